// The single place that loads the native addon. A failure becomes one error that
// says which file was tried, why it failed and what fixes that cause.
import fs from 'node:fs';
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

import type { NativeBinding } from './binding';

export type LoadFailureCause = 'binary-missing' | 'libtorch-missing' | 'library-missing' | 'abi-mismatch' | 'unknown';

export interface LoadedAddon {
  binding: NativeBinding;
  /** Absolute path of the .node file that was loaded. */
  path: string;
  /** True when the file came from prebuilds/ rather than a local build. */
  prebuilt: boolean;
}

export class AddonLoadError extends Error {
  constructor(
    readonly reason: LoadFailureCause,
    readonly tried: string,
    readonly detail: string,
    readonly fix: string,
  ) {
    super(
      [
        `ptychopinn: the native addon could not be loaded (${describeCause(reason)}).`,
        `  tried: ${tried}`,
        `  cause: ${detail}`,
        `  fix:   ${fix.split('\n').join('\n         ')}`,
      ].join('\n'),
    );
    this.name = 'AddonLoadError';
  }
}

function describeCause(cause: LoadFailureCause): string {
  switch (cause) {
    case 'binary-missing':
      return 'no binary was built or shipped for this platform';
    case 'libtorch-missing':
      return 'a LibTorch shared library was not found';
    case 'library-missing':
      return 'a shared library it needs was not found';
    case 'abi-mismatch':
      return 'the binary does not match this LibTorch or Node.js';
    case 'unknown':
      return 'unexpected error';
  }
}

const REBUILD = 'npm rebuild ptychopinn   (builds from source: needs cmake, a C++17 compiler and LibTorch)';

/** Classifies a dlopen/require failure into a cause and the fix for it. */
export function explainLoadFailure(tried: string, error: unknown): AddonLoadError {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0];
  if (/No native build was found/.test(message)) {
    return new AddonLoadError('binary-missing', tried, firstLine, REBUILD);
  }
  const missingLib = /(\S+\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLib) {
    const lib = missingLib[1];
    if (/lib(torch|c10|caffe2)/.test(lib)) {
      return new AddonLoadError(
        'libtorch-missing',
        tried,
        `${lib} is not installed or not on the library path`,
        [
          'install LibTorch where the binary expects it, one of:',
          '- Debian/Ubuntu: apt-get install libtorch1.13   (the LibTorch of the prebuilt binary)',
          '- set LIBTORCH=/path/to/libtorch and rebuild: ' + REBUILD,
          '- or add the folder holding it to LD_LIBRARY_PATH',
        ].join('\n'),
      );
    }
    return new AddonLoadError(
      'library-missing',
      tried,
      `${lib} is not installed or not on the library path`,
      `install the package that provides ${lib}, or add its folder to LD_LIBRARY_PATH`,
    );
  }
  if (
    /undefined symbol|NODE_MODULE_VERSION|did not self-register|wrong ELF class|invalid ELF header|version `[^']+' not found/.test(
      message,
    )
  ) {
    return new AddonLoadError(
      'abi-mismatch',
      tried,
      firstLine,
      `the binary was built against a different LibTorch or C++ runtime; rebuild it here: ${REBUILD}`,
    );
  }
  return new AddonLoadError('unknown', tried, firstLine, `${REBUILD}\nthen run \`ptychopinn doctor\``);
}

/** Where node-gyp-build looks, for error messages when it finds nothing. */
function searchedLocations(root: string): string {
  return [
    path.join(root, 'build', 'Release'),
    path.join(root, 'prebuilds', `${process.platform}-${process.arch}`),
  ].join(' and ');
}

/** Loads the addon found under `root` (build/Release, then prebuilds/<platform>-<arch>/). */
export function loadAddon(root: string): LoadedAddon {
  let file: string;
  try {
    file = nodeGypBuild.path(root);
  } catch (error) {
    throw explainLoadFailure(searchedLocations(root), error);
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = require(file) as NativeBinding;
    const prebuilt = path.relative(path.join(root, 'prebuilds'), fs.realpathSync(file)).split(path.sep)[0] !== '..';
    return { binding, path: file, prebuilt };
  } catch (error) {
    throw explainLoadFailure(file, error);
  }
}
