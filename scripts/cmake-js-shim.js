#!/usr/bin/env node
// prebuildify drives node-gyp (`node-gyp rebuild --target=… --release`); this shim
// stands in for node-gyp, ignores those arguments (a Node-API addon does not depend
// on the Node version) and builds with cmake-js into build/Release, where
// prebuildify collects the .node file. The build is incremental: CMake tracks every
// input, so an up-to-date build/Release is exactly what a clean build would make.
// prebuildify then moves the file out of build/Release; `npm run prebuild` relinks
// it afterwards so the checkout keeps loading its own build.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const result = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js'), 'build'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
