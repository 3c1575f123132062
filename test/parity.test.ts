// The frozen PtychoPINN physics cases of ../shared/parity, reproduced to 1e-5
// through the native ops and through the `forward` CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { toFloat64 } from '../lib/io/ndarray';
import type { NumericArray } from '../lib/io/ndarray';
import { readNpz } from '../lib/io/npz';
import { readForwardCase, runForwardCase } from '../lib/physics/forwardCase';
import { runCli } from './helpers/cli';
import { parityAvailable, parityCases, parityDir } from './helpers/parity';

async function expected(file: string): Promise<{ forward: Float64Array; shape: number[]; loss: number }> {
  const { arrays } = await readNpz(file, { keys: ['expected_forward', 'expected_poisson_loss'] });
  const forward = arrays.get('expected_forward') as NumericArray;
  return {
    forward: toFloat64(forward),
    shape: forward.shape,
    loss: toFloat64(arrays.get('expected_poisson_loss') as NumericArray)[0],
  };
}

/** max |I − expected| / max expected, as shared/parity/README.md defines it. */
function relativeError(got: ArrayLike<number>, want: Float64Array): number {
  let diff = 0;
  let peak = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    peak = Math.max(peak, Math.abs(want[i]));
  }
  return diff / peak;
}

describe.runIf(parityAvailable())('parity with PtychoPINN', () => {
  it.each(parityCases)('$file through the native ops', async ({ file, options }) => {
    const input = path.join(parityDir, file);
    const want = await expected(input);
    for (const translation of ['kernels', 'grid_sample'] as const) {
      const result = runForwardCase(await readForwardCase(input), { ...options, translation });
      expect(result.intensity.shape).toEqual(want.shape);
      expect(relativeError(result.intensity.data, want.forward)).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(result.poissonNll! / want.loss - 1)).toBeLessThanOrEqual(1e-5);
    }
  });

  it.each(parityCases)('$file through `ptychopinn forward`', async ({ file, flags }) => {
    const input = path.join(parityDir, file);
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-forward-')), 'out.npz');
    const run = runCli(['forward', input, '-o', output, ...flags]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { arrays } = await readNpz(output);
    const intensity = arrays.get('intensity') as NumericArray;
    const loss = arrays.get('poisson_nll') as NumericArray;
    expect(intensity.dtype).toBe('float32');
    expect(loss.dtype).toBe('float64');
    expect(loss.shape).toEqual([]);
    const want = await expected(input);
    expect(relativeError(intensity.data as Float32Array, want.forward)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(toFloat64(loss)[0] / want.loss - 1)).toBeLessThanOrEqual(1e-5);
  });

  it('ignores metadata_json: without --object-big the c4 case is not merged', async () => {
    const input = path.join(parityDir, 'c4_bigT_probe.npz');
    const unmerged = runForwardCase(await readForwardCase(input), {});
    expect(relativeError(unmerged.intensity.data, (await expected(input)).forward)).toBeGreaterThan(1e-3);
  });
});

describe('ptychopinn forward input errors', () => {
  it('names the missing key and lists the keys present', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-forward-'));
    const { writeNpz } = await import('../lib/io/npz');
    const input = path.join(dir, 'partial.npz');
    await writeNpz(input, { x_real: { dtype: 'float32', shape: [1, 1, 4, 4], data: new Float32Array(16) } });
    const run = runCli(['forward', input, '-o', path.join(dir, 'out.npz')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/partial\.npz: missing key 'x_imag'.*present: x_real/);
    expect(fs.existsSync(path.join(dir, 'out.npz'))).toBe(false);
  });

  it('rejects a bad weighting before reading anything', () => {
    const run = runCli(['forward', 'nowhere.npz', '-o', 'x.npz', '--weighting', 'gaussian']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Allowed choices are probe, central_mask, uniform/);
  });
});
