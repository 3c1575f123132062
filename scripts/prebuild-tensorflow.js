#!/usr/bin/env node
// `npm run prebuild`, last step: prebuildify packs the LibTorch addon into
// prebuilds/<platform>-<arch>/; this packs the TensorFlow addon the same way into
// addons/tensorflow/prebuilds/<platform>-<arch>/ (its own folder: node-gyp-build takes
// one addon per folder), stripped like prebuildify's, when this checkout built it.
// A prebuilt TensorFlow addon loads where its TensorFlow library is found: the folder
// it was built against (its rpath), or LD_LIBRARY_PATH.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const addonFolder = path.join(__dirname, '..', 'addons', 'tensorflow');
const built = path.join(addonFolder, 'build', 'Release', 'ptychopinn_tf.node');
const folder = path.join(addonFolder, 'prebuilds', `${process.platform}-${process.arch}`);
const target = path.join(folder, 'ptychopinn_tf.napi.node');

fs.rmSync(folder, { recursive: true, force: true });
if (!fs.existsSync(built)) {
  console.log(
    'prebuild: no addons/tensorflow/build/Release/ptychopinn_tf.node (TensorFlow was not found): LibTorch only',
  );
  process.exit(0);
}
fs.mkdirSync(folder, { recursive: true });
fs.copyFileSync(built, target);
execFileSync('strip', ['--strip-all', target]);
console.log(`prebuild: ${path.relative(path.join(__dirname, '..'), target)}`);
