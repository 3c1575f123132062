// lib/native/binding.ts types the whole native contract: the addon must export
// exactly what it declares, no more and no less.
import { describe, expect, it } from 'vitest';

import { addon } from '../lib/native';
import type { NativeBinding } from '../lib/native/binding';

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
  bench: true,
};

describe('the native contract', () => {
  it('is what the addon exports', () => {
    expect(Object.keys(addon().binding).sort()).toEqual(Object.keys(DECLARED).sort());
  });

  it('exports functions and classes where it declares them', () => {
    const binding = addon().binding as unknown as Record<string, unknown>;
    for (const name of Object.keys(DECLARED)) {
      expect(typeof binding[name], name).toBe(name === 'bench' ? 'object' : 'function');
    }
    expect(Object.keys(addon().binding.bench).sort()).toEqual(['gridSampleStitch', 'physicsStep']);
  });
});
