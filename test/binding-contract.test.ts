// lib/native/binding.ts types the whole native contract: each addon must export
// exactly what it declares, no more and no less.
import { describe, expect, it } from 'vitest';

import { addon, tensorflowAddon } from '../lib/native';
import type { NativeBinding, NativeModel, TensorFlowBinding } from '../lib/native/binding';
import { gaussianProbe } from './helpers/model';
import { nativeModelConfig } from '../lib/backends/nativeModelConfig';
import { DEFAULT_CONFIG } from '../lib/config/schema';
import { tensorflowAvailable } from './helpers/tensorflow';

/** Every member of NativeBinding: the type checker refuses this object if one is missing or extra. */
const DECLARED: Record<keyof NativeBinding, true> = {
  capabilities: true,
  setNumThreads: true,
  affineRoundTrip: true,
  translate: true,
  mergePatches: true,
  extractPatches: true,
  forwardIntensity: true,
  gatherPatches: true,
  vjp: true,
  farField: true,
  poissonNll: true,
  poissonNllMean: true,
  amplitudeMae: true,
  normalizeProbe: true,
  intensityScale: true,
  StitchCanvas: true,
  NativeModel: true,
  refineObject: true,
  epochShards: true,
  bench: true,
};

const DECLARED_TENSORFLOW: Record<keyof TensorFlowBinding, true> = {
  capabilities: true,
  configureThreads: true,
  forwardIntensity: true,
  farField: true,
  poissonNll: true,
  vjp: true,
  NativeModel: true,
};

/** The members of the NativeModel class both addons export (methods and the info accessor). */
const DECLARED_MODEL: Record<keyof NativeModel, true> = {
  train: true,
  abortTraining: true,
  infer: true,
  stateDict: true,
  loadStateDict: true,
  dispose: true,
  lossAndGradients: true,
  info: true,
};

function modelMembers(NativeModelClass: NativeBinding['NativeModel']): string[] {
  const config = nativeModelConfig(
    { config: { ...DEFAULT_CONFIG, N: 32 }, probe: gaussianProbe(32), inputScale: 1 },
    false,
  );
  const model = new NativeModelClass({ ...config, nFiltersScale: 1 }, gaussianProbe(32), 'cpu');
  const members = Object.getOwnPropertyNames(Object.getPrototypeOf(model)).filter((name) => name !== 'constructor');
  model.dispose();
  return members.sort();
}

describe('the native contract', () => {
  it('is what the LibTorch addon exports', () => {
    expect(Object.keys(addon().binding).sort()).toEqual(Object.keys(DECLARED).sort());
  });

  it('exports functions and classes where it declares them', () => {
    const binding = addon().binding as unknown as Record<string, unknown>;
    for (const name of Object.keys(DECLARED)) {
      expect(typeof binding[name], name).toBe(name === 'bench' ? 'object' : 'function');
    }
    expect(Object.keys(addon().binding.bench).sort()).toEqual(['gridSampleStitch', 'physicsStep']);
    expect(modelMembers(addon().binding.NativeModel)).toEqual(Object.keys(DECLARED_MODEL).sort());
  });

  it.runIf(tensorflowAvailable())('is what the TensorFlow addon exports, with the same NativeModel', () => {
    const binding = tensorflowAddon().binding as unknown as Record<string, unknown>;
    expect(Object.keys(binding).sort()).toEqual(Object.keys(DECLARED_TENSORFLOW).sort());
    for (const name of Object.keys(DECLARED_TENSORFLOW)) expect(typeof binding[name], name).toBe('function');
    expect(modelMembers(tensorflowAddon().binding.NativeModel)).toEqual(Object.keys(DECLARED_MODEL).sort());
  });
});
