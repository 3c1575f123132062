// Health checks behind `ptychopinn doctor`: each finding says what is wrong and how to fix it.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

import { capabilities } from './capabilities';
import { readEnvironment } from './config/env';
import { coerceField } from './config/schema';
import { addon, defaultThreadCount, tensorflowAddon } from './native';
import { AddonLoadError } from './native/loader';

export interface Finding {
  check: string;
  ok: boolean;
  /** What was seen. */
  detail: string;
  /** How to fix it; only for findings that are not ok. */
  fix?: string;
}

function check(name: string, run: () => Omit<Finding, 'check'>): Finding {
  try {
    return { check: name, ...run() };
  } catch (error) {
    return { check: name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

function hasNvidiaGpu(): boolean {
  try {
    execFileSync('nvidia-smi', ['-L'], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function diagnose(): Finding[] {
  const findings: Finding[] = [];
  findings.push(
    check('environment', () => {
      readEnvironment();
      return { ok: true, detail: 'PTYCHOPINN_* variables are valid' };
    }),
  );
  const load = check('native addon', () => {
    const { path, prebuilt } = addon();
    return { ok: true, detail: `${path} (${prebuilt ? 'prebuilt' : 'built from source'})` };
  });
  findings.push(load);
  if (!load.ok) return [...findings, ...tensorflowFindings()];

  findings.push(
    check('LibTorch self-test', () => {
      const input = new Float32Array([0, 1, -2.5, 1e3]);
      const out = addon().binding.affineRoundTrip({ dtype: 'float32', shape: [4], data: input });
      const good = out.data.every((v, i) => v === 2 * input[i] + 1);
      return good
        ? { ok: true, detail: `tensor round trip through LibTorch ${capabilities().libtorch.version} is exact` }
        : {
            ok: false,
            detail: `2x+1 came back as [${Array.from(out.data).join(', ')}]`,
            fix: 'the LibTorch runtime differs from the one the addon was built for: npm rebuild ptychopinn',
          };
    }),
  );
  findings.push(
    check('LibTorch runtime', () => {
      const { version, loadedVersion, library } = capabilities().libtorch;
      if (loadedVersion === null)
        return { ok: true, detail: `${library || 'library file unknown'} (version not recorded)` };
      const majorMinor = (v: string) => v.split('.').slice(0, 2).join('.');
      return majorMinor(loadedVersion) === majorMinor(version)
        ? { ok: true, detail: `LibTorch ${loadedVersion} loaded from ${library}` }
        : {
            ok: false,
            detail: `compiled against LibTorch ${version} but ${loadedVersion} was loaded from ${library}`,
            fix: 'two LibTorch installs are mixed: npm rebuild ptychopinn with LIBTORCH pointing at the one to use',
          };
    }),
  );
  findings.push(
    check('threads', () => {
      const { intraOp } = capabilities().threads;
      const wanted = defaultThreadCount();
      return intraOp === wanted
        ? { ok: true, detail: `${intraOp} intra-op threads (${os.availableParallelism()} cores available)` }
        : {
            ok: false,
            detail: `${intraOp} intra-op threads in effect, ${wanted} requested`,
            fix: 'LibTorch ignored the request (an OpenMP runtime fixed it earlier?): unset OMP_NUM_THREADS or set PTYCHOPINN_NUM_THREADS',
          };
    }),
  );
  findings.push(
    check('CUDA', () => {
      const { cuda } = capabilities();
      if (cuda.available) return { ok: true, detail: cuda.devices.map((d) => `cuda:${d.index} ${d.name}`).join(', ') };
      const gpu = hasNvidiaGpu();
      if (cuda.compiled) {
        return {
          ok: !gpu,
          detail: gpu ? 'CUDA kernels are compiled in but LibTorch sees no device' : 'compiled in; no NVIDIA GPU here',
          fix: gpu
            ? 'check the NVIDIA driver (nvidia-smi) matches the CUDA version LibTorch was built with'
            : undefined,
        };
      }
      return gpu
        ? {
            ok: false,
            detail: 'an NVIDIA GPU is present but this build is CPU-only',
            fix: 'point LIBTORCH (or a Python torch install) at a CUDA LibTorch, then PTYCHOPINN_CUDA=on npm rebuild ptychopinn',
          }
        : { ok: true, detail: 'not compiled (CPU build); no NVIDIA GPU here' };
    }),
  );
  findings.push(
    check('MKL-DNN', () =>
      capabilities().mkldnn
        ? { ok: true, detail: 'oneDNN convolutions available' }
        : {
            ok: false,
            detail: 'LibTorch was built without MKL-DNN: convolutions on CPU will be slow',
            fix: 'use a LibTorch build with MKL-DNN (Debian, PyTorch and official LibTorch builds have it)',
          },
    ),
  );
  return [...findings, ...tensorflowFindings()];
}

/** Whether PTYCHOPINN_BACKEND asks for TensorFlow: then its absence is a problem, else a note. */
function tensorflowSelected(): boolean {
  try {
    const backend = readEnvironment().backend;
    return backend !== undefined && coerceField('backend', backend, 'PTYCHOPINN_BACKEND') === 'tensorflow';
  } catch {
    return false; // a bad environment is reported by its own check
  }
}

/** The optional TensorFlow engine: its addon, a round trip through TensorFlow, its threads. */
function tensorflowFindings(): Finding[] {
  let loaded: ReturnType<typeof tensorflowAddon>;
  try {
    loaded = tensorflowAddon();
  } catch (error) {
    if (!(error instanceof AddonLoadError)) {
      return [
        { check: 'TensorFlow engine', ok: false, detail: error instanceof Error ? error.message : String(error) },
      ];
    }
    const detail = error.summary;
    // Never built: TensorFlow is optional unless it is the backend asked for.
    if (error.reason === 'binary-missing' && !tensorflowSelected()) {
      return [
        {
          check: 'TensorFlow engine',
          ok: true,
          detail: `not installed (optional; backend 'tensorflow' is unavailable): ${detail}. To add it: ${error.fix}`,
        },
      ];
    }
    return [{ check: 'TensorFlow engine', ok: false, detail, fix: error.fix }];
  }
  const { binding, path, prebuilt } = loaded;
  const native = binding.capabilities();
  return [
    {
      check: 'TensorFlow engine',
      ok: true,
      detail: `TensorFlow ${native.tensorflowVersion} loaded from ${native.tensorflowLibrary} by ${path} (${prebuilt ? 'prebuilt' : 'built from source'})`,
    },
    check('TensorFlow self-test', () => {
      // The far field of a flat 4 × 4 field is all in the centre pixel: 16 / 4 = 4.
      const out = binding.farField({
        dtype: 'complex64',
        shape: [4, 4],
        data: Float32Array.from({ length: 32 }, (_, i) => (i % 2 ? 0 : 1)),
      });
      const good = out.data.every((v, i) => (i === 2 * (2 * 4 + 2) ? Math.abs(v - 4) < 1e-6 : Math.abs(v) < 1e-6));
      return good
        ? { ok: true, detail: 'a far field computed by TensorFlow is exact' }
        : {
            ok: false,
            detail: `the far field of a flat field came back as [${Array.from(out.data).join(', ')}]`,
            fix: 'the TensorFlow runtime differs from the one the addon was built for: npm rebuild ptychopinn',
          };
    }),
    check('TensorFlow threads', () => {
      const wanted = defaultThreadCount();
      return native.numThreads === wanted
        ? { ok: true, detail: `${native.numThreads} intra-op threads, ${native.numInteropThreads} inter-op` }
        : {
            ok: false,
            detail: `${native.numThreads} intra-op threads configured, ${wanted} requested`,
            fix: 'TensorFlow sizes its thread pools once per process: set PTYCHOPINN_NUM_THREADS before the first use',
          };
    }),
  ];
}
