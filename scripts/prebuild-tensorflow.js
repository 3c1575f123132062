#!/usr/bin/env node
// `npm run prebuild`, last step: prebuildify packs one addon, the first .node file of
// build/Release (ptychopinn.node, as prebuilds/<platform>-<arch>/ptychopinn.node);
// this adds the TensorFlow addon beside it as ptychopinn_tf.node, stripped like
// prebuildify's, when this checkout built it.
// A prebuilt TensorFlow addon loads where its TensorFlow library is found: the folder
// it was built against (its rpath), or LD_LIBRARY_PATH.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const built = path.join(root, 'build', 'Release', 'ptychopinn_tf.node');
const folder = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const target = path.join(folder, 'ptychopinn_tf.node');

if (!fs.existsSync(built)) {
  console.log(
    'prebuild: no build/Release/ptychopinn_tf.node (TensorFlow was not found): prebuilds hold the LibTorch addon only',
  );
  fs.rmSync(target, { force: true });
  process.exit(0);
}
fs.mkdirSync(folder, { recursive: true });
fs.copyFileSync(built, target);
execFileSync('strip', ['--strip-all', target]);
console.log(`prebuild: ${path.relative(root, target)}`);
