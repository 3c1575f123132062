// The process-wide addon handle. Loading is lazy so that `ptychopinn doctor` can
// report a load failure instead of crashing on import. On first load LibTorch's
// intra-op threads are set to the available cores (Debian's build defaults to 1).
import os from 'node:os';

import { readEnvironment } from '../config/env';
import { packageRoot } from '../packageInfo';
import { type LoadedAddon, loadAddon } from './loader';

let loaded: LoadedAddon | undefined;

export function defaultThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  return readEnvironment(env).numThreads ?? os.availableParallelism();
}

export function addon(): LoadedAddon {
  if (!loaded) {
    const candidate = loadAddon(packageRoot);
    candidate.binding.setNumThreads(defaultThreadCount());
    loaded = candidate;
  }
  return loaded;
}
