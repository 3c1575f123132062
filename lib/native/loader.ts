// The single place that loads the native addons: ptychopinn.node (LibTorch) and the
// optional ptychopinn_tf.node (TensorFlow). A failure becomes one error that says
// which file was tried, why it failed and what fixes that cause.
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';

export type LoadFailureCause =
  'binary-missing' | 'libtorch-missing' | 'tensorflow-missing' | 'library-missing' | 'abi-mismatch' | 'unknown';

/** What sets one addon apart: its file, the engine library it links and the fixes that apply. */
export interface AddonSpec {
  /** The .node file's name without extension. */
  file: string;
  /**
   * Its folder under the package root, which holds its build/Release/ and prebuilds/:
   * node-gyp-build takes the first .node file there, so each addon has a folder of its own.
   */
  folder: string;
  /** How messages name it. */
  title: string;
  /** The engine library the addon links (libtorch_cpu.so, libtensorflow_cc.so.2, …). */
  runtime: { pattern: RegExp; cause: LoadFailureCause; install: string[] };
  /** How to build it from source. */
  rebuild: string;
}

const REBUILD = 'npm rebuild ptychopinn   (builds from source: needs cmake, a C++17 compiler and LibTorch)';

export const LIBTORCH_ADDON: AddonSpec = {
  file: 'ptychopinn',
  folder: '.',
  title: 'the native addon',
  runtime: {
    pattern: /lib(torch|c10|caffe2)/,
    cause: 'libtorch-missing',
    install: [
      'install LibTorch where the binary expects it, one of:',
      '- Debian/Ubuntu: apt-get install libtorch1.13   (the LibTorch of the prebuilt binary)',
      '- set LIBTORCH=/path/to/libtorch and rebuild: ' + REBUILD,
      '- or add the folder holding it to LD_LIBRARY_PATH',
    ],
  },
  rebuild: REBUILD,
};

const REBUILD_TF =
  'install TensorFlow (python3 -m pip install tensorflow-cpu==2.21.0, or LIBTENSORFLOW=/path/to/libtensorflow), ' +
  'then npm rebuild ptychopinn   (builds ptychopinn_tf.node beside the LibTorch addon)';

export const TENSORFLOW_ADDON: AddonSpec = {
  file: 'ptychopinn_tf',
  folder: path.join('addons', 'tensorflow'),
  title: 'the TensorFlow addon',
  runtime: {
    pattern: /libtensorflow/,
    cause: 'tensorflow-missing',
    install: [
      'make the TensorFlow the addon was built against loadable again, one of:',
      '- reinstall it where it was (a Python tensorflow install: pip install tensorflow-cpu==2.21.0)',
      '- set LIBTENSORFLOW=/path/to/libtensorflow (or a site-packages/tensorflow folder) and rebuild: ' + REBUILD_TF,
      '- or add the folder holding it to LD_LIBRARY_PATH',
    ],
  },
  rebuild: REBUILD_TF,
};

export interface LoadedAddon<Binding> {
  binding: Binding;
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
    title = LIBTORCH_ADDON.title,
  ) {
    super(
      [
        `ptychopinn: ${title} could not be loaded (${describeCause(reason)}).`,
        `  tried: ${tried}`,
        `  cause: ${detail}`,
        `  fix:   ${fix.split('\n').join('\n         ')}`,
      ].join('\n'),
    );
    this.name = 'AddonLoadError';
  }

  /** The cause in one line, with the file tried when the cause does not name it. */
  get summary(): string {
    return this.detail.includes(this.tried) ? this.detail : `${this.detail} (tried ${this.tried})`;
  }
}

function describeCause(cause: LoadFailureCause): string {
  switch (cause) {
    case 'binary-missing':
      return 'no binary was built or shipped for this platform';
    case 'libtorch-missing':
      return 'a LibTorch shared library was not found';
    case 'tensorflow-missing':
      return 'a TensorFlow shared library was not found';
    case 'library-missing':
      return 'a shared library it needs was not found';
    case 'abi-mismatch':
      return 'the binary does not match this engine library or Node.js';
    case 'unknown':
      return 'unexpected error';
  }
}

/** Classifies a dlopen/require failure into a cause and the fix for it. */
export function explainLoadFailure(tried: string, error: unknown, spec: AddonSpec = LIBTORCH_ADDON): AddonLoadError {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0];
  const failure = (cause: LoadFailureCause, detail: string, fix: string) =>
    new AddonLoadError(cause, tried, detail, fix, spec.title);
  const missingLib = /(\S+\.so[\w.]*): cannot open shared object file/.exec(message);
  if (missingLib) {
    const lib = missingLib[1];
    const detail = `${lib} is not installed or not on the library path`;
    if (spec.runtime.pattern.test(lib)) return failure(spec.runtime.cause, detail, spec.runtime.install.join('\n'));
    return failure(
      'library-missing',
      detail,
      `install the package that provides ${lib}, or add its folder to LD_LIBRARY_PATH`,
    );
  }
  if (
    /undefined symbol|NODE_MODULE_VERSION|did not self-register|wrong ELF class|invalid ELF header|version `[^']+' not found/.test(
      message,
    )
  ) {
    return failure(
      'abi-mismatch',
      firstLine,
      `the binary was built against a different engine library or C++ runtime; rebuild it here: ${spec.rebuild}`,
    );
  }
  return failure('unknown', firstLine, `${spec.rebuild}\nthen run \`ptychopinn doctor\``);
}

/**
 * Loads the addon `spec` of the package at `root`: node-gyp-build picks its local
 * build (build/Release) or else the prebuilt binary for this platform.
 */
export function loadAddon<Binding>(root: string, spec: AddonSpec): LoadedAddon<Binding> {
  const folder = path.join(root, spec.folder);
  let file: string;
  try {
    file = nodeGypBuild.path(folder);
  } catch (error) {
    const folders = [
      path.join(folder, 'build', 'Release'),
      path.join(folder, 'prebuilds', `${process.platform}-${process.arch}`),
    ];
    throw new AddonLoadError(
      'binary-missing',
      folders.join(' and '),
      `no ${spec.file}.node in ${folders.join(' or ')} (${(error as Error).message.split('\n')[0]})`,
      spec.rebuild,
      spec.title,
    );
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const binding = require(file) as Binding;
    return { binding, path: file, prebuilt: file.split(path.sep).includes('prebuilds') };
  } catch (error) {
    throw explainLoadFailure(file, error, spec);
  }
}
