// The process-wide addon handles. Loading is lazy so that `ptychopinn doctor` can
// report a load failure instead of crashing on import. On first load each engine's
// intra-op threads are set to the same count: PTYCHOPINN_NUM_THREADS, else the
// available cores (Debian's LibTorch would otherwise use 1).
import os from 'node:os';

import { quietTensorFlowInfo, readEnvironment } from '../config/env';
import { packageRoot } from '../packageInfo';
import type { NativeBinding, TensorFlowBinding } from './binding';
import { AddonLoadError, type LoadedAddon, LIBTORCH_ADDON, loadAddon, TENSORFLOW_ADDON } from './loader';

let loaded: LoadedAddon<NativeBinding> | undefined;
let tensorflow: { addon: LoadedAddon<TensorFlowBinding> } | { error: Error } | undefined;

export function defaultThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  return readEnvironment(env).numThreads ?? os.availableParallelism();
}

/** The LibTorch addon, ptychopinn.node: the package's core. */
export function addon(): LoadedAddon<NativeBinding> {
  if (!loaded) {
    const candidate = loadAddon<NativeBinding>(packageRoot, LIBTORCH_ADDON);
    candidate.binding.setNumThreads(defaultThreadCount());
    loaded = candidate;
  }
  return loaded;
}

/**
 * The TensorFlow addon, ptychopinn_tf.node, built only where TensorFlow was found.
 * Its thread count is fixed here, once: TensorFlow sizes its pools on the first session.
 * A failure to load the addon is remembered: its cause does not change while the process runs.
 */
export function tensorflowAddon(): LoadedAddon<TensorFlowBinding> {
  if (!tensorflow) {
    try {
      quietTensorFlowInfo();
      const candidate = loadAddon<TensorFlowBinding>(packageRoot, TENSORFLOW_ADDON);
      candidate.binding.configureThreads(defaultThreadCount());
      tensorflow = { addon: candidate };
    } catch (error) {
      if (!(error instanceof AddonLoadError)) throw error;
      tensorflow = { error };
    }
  }
  if ('error' in tensorflow) throw tensorflow.error;
  return tensorflow.addon;
}
