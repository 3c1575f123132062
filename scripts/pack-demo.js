#!/usr/bin/env node
// Prebuilt packaging end to end (`npm run test:pack`, a step of .ci/run of its own):
// npm pack → install into an empty project with no cmake and no compiler on PATH →
// the prebuilt binary loads, `ptychopinn doctor` passes its self-test and a small
// `ptychopinn demo` runs and writes its images and metrics (also on TensorFlow when its
// addon was prebuilt). Needs `npm run prebuild`.
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const platformDir = `${process.platform}-${process.arch}`;

function fail(message) {
  console.error(`pack-demo: ${message}`);
  process.exit(1);
}

/** A PATH holding only node, npm and sh: no cmake, cc, gcc, g++, c++ or make. */
function compilerFreePath(dir) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
  fs.writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nexec "${process.execPath}" "${npmCli}" "$@"\n`, { mode: 0o755 });
  return bin;
}

/**
 * Where no prebuilt binary loads, install falls back to a cmake-js build from the
 * tarball: every tracked file that build reads must be in it.
 */
function checkSourceFallbackPacked(tarball) {
  const listed = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n'));
  const tracked = execFileSync('git', ['ls-files', 'CMakeLists.txt', 'cmake', 'native', 'scripts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const needed = tracked
    .split('\n')
    .filter(
      (f) => f && (!f.startsWith('scripts/') || /^scripts\/(install-native|build-native|cmake-js-shim)\.js$/.test(f)),
    );
  const missing = needed.filter((f) => !listed.has(`package/${f}`));
  if (missing.length > 0) fail(`the tarball lacks files the source build needs: ${missing.join(', ')}`);
  console.log(`ok: the tarball holds the ${needed.length} files of the source fallback`);
}

function run(command, args, options) {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0)
    fail(`${command} ${args.join(' ')} failed (${result.status}, ${seconds} s):\n${result.stderr}`);
  console.log(`ok: ${[command, ...args].join(' ')} (${seconds} s)`);
  return result.stdout;
}

const prebuilds = path.join(root, 'prebuilds', platformDir);
if (!fs.existsSync(prebuilds) || !fs.readdirSync(prebuilds).some((f) => f.endsWith('.node'))) {
  fail(`no prebuilt binary in ${prebuilds}: run \`npm run prebuild\` first`);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-pack-'));
try {
  const packed = execFileSync(process.execPath, [npmCli, 'pack', '--silent', '--pack-destination', work], {
    cwd: root,
    encoding: 'utf8',
  });
  const tarball = path.join(work, packed.trim().split('\n').pop());
  checkSourceFallbackPacked(tarball);
  console.log(`packed ${path.basename(tarball)}: ${(fs.statSync(tarball).size / 2 ** 20).toFixed(1)} MiB`);

  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
  const env = { HOME: os.homedir(), PATH: compilerFreePath(work), npm_config_loglevel: 'error' };
  for (const tool of ['cmake', 'cc', 'c++', 'gcc', 'g++', 'make']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { env }).status === 0) fail(`${tool} is still on PATH`);
  }
  const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: project,
    env,
  });
  if (/building from source/.test(installed))
    fail('the install built from source instead of using the prebuilt binary');

  const addonInfo = JSON.parse(
    run('node', ['-e', "console.log(JSON.stringify(require('ptychopinn').capabilities().addon))"], {
      cwd: project,
      env,
    }),
  );
  const expected = path.join('node_modules', 'ptychopinn', 'prebuilds', platformDir);
  if (!addonInfo.prebuilt || !addonInfo.path.includes(expected)) {
    fail(`expected the prebuilt binary under ${expected}, loaded ${addonInfo.path}`);
  }

  const cli = path.join(project, 'node_modules', '.bin', 'ptychopinn');
  const doctor = JSON.parse(run('node', [cli, 'doctor', '--json'], { cwd: project, env }));
  if (!doctor.findings.find((f) => f.check === 'LibTorch self-test')?.ok) fail('the doctor self-test failed');
  // The TensorFlow addon, when one was prebuilt, loads from the tarball too (its
  // TensorFlow from the folder it was built against).
  const tensorflowPrebuilt = fs.existsSync(
    path.join(root, 'addons', 'tensorflow', 'prebuilds', platformDir, 'ptychopinn_tf.napi.node'),
  );
  if (tensorflowPrebuilt && !doctor.findings.find((f) => f.check === 'TensorFlow self-test')?.ok) {
    fail('the TensorFlow addon of the tarball does not pass the doctor self-test');
  }

  const demo = (args, dir) =>
    JSON.parse(
      run('node', [cli, 'demo', ...args, '--output-dir', dir, '--json'], { cwd: project, env })
        .trim()
        .split('\n')
        .at(-1),
    );
  const written = (dir, files) => {
    for (const file of files)
      if (!fs.existsSync(path.join(project, dir, file))) fail(`the demo did not write ${dir}/${file}`);
  };
  // The main job: the shipped pretrained model on a freshly simulated scan.
  const fast = demo([], 'demo');
  written('demo', [
    'data.npz',
    'reconstruction.npz',
    'amplitude.png',
    'phase.png',
    'metrics.json',
    'comparison.png',
    'report.html',
  ]);
  if (fast.mode !== 'pretrained' || !(fast.ssim.amplitude > 0.85))
    fail(`the pretrained demo gave ${JSON.stringify(fast.ssim)}`);
  console.log(`demo from the installed tarball: ${fast.seconds.toFixed(1)} s, SSIM amplitude ${fast.ssim.amplitude}`);
  if (tensorflowPrebuilt) {
    const onTensorFlow = demo(['--backend', 'tensorflow', '--n-images', '64'], 'demo-tf');
    if (onTensorFlow.backend !== 'tensorflow') fail(`demo --backend tensorflow ran on ${onTensorFlow.backend}`);
    console.log(`demo --backend tensorflow from the installed tarball: ${onTensorFlow.seconds.toFixed(1)} s`);
  }
  // Small settings: the point is that training runs end to end from the installed package.
  const trained = demo(['--train', '--N', '32', '--n-images', '64', '--nepochs', '1'], 'demo-train');
  written('demo-train', [
    'model.ptpinn',
    'history.json',
    'loss.png',
    'reconstruction.npz',
    'amplitude.png',
    'phase.png',
    'report.html',
  ]);
  if (!(trained.ssim.amplitude > -1 && trained.ssim.amplitude <= 1))
    fail(`implausible demo SSIM ${trained.ssim.amplitude}`);
  console.log(`demo --train from the installed tarball: ${trained.seconds.toFixed(1)} s`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
