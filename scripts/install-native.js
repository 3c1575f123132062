#!/usr/bin/env node
// npm install hook. Installed from the registry or a tarball, a prebuilt binary
// from prebuilds/ is used when it loads (no compiler needed); otherwise, and always
// in a git checkout or with `npm install --build-from-source`, the addon is built
// from source with cmake-js.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const inCheckout = fs.existsSync(path.join(root, '.git'));
const forced = process.env.npm_config_build_from_source === 'true';

if (!inCheckout && !forced) {
  // The package's own loader (dist/ ships in the tarball): the same files, the same reasons.
  const { loadAddon, LIBTORCH_ADDON } = require('../dist/lib/native/loader');
  try {
    const { path: file } = loadAddon(root, LIBTORCH_ADDON);
    console.log(`ptychopinn: using ${path.relative(root, file)}`);
    process.exit(0);
  } catch (error) {
    const reason = String(error && error.message).split('\n')[0];
    console.log(`ptychopinn: no usable prebuilt binary (${reason}); building from source with cmake-js`);
  }
}
const result = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js'), 'build'], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    [
      'ptychopinn: building the native addon failed.',
      'It needs cmake, a C++17 compiler and LibTorch. LibTorch is found through',
      '  LIBTORCH=/path/to/libtorch, Torch_DIR, a Python torch install, or the system',
      '  (Debian/Ubuntu: apt-get install libtorch-dev).',
      'After fixing, run: npm rebuild ptychopinn',
    ].join('\n'),
  );
}
process.exit(result.status ?? 1);
