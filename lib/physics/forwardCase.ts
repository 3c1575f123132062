// The `forward` command's file layout (that of the parity fixtures): object patches,
// relative positions, probe and scale in; predicted intensity (and the reported
// Poisson value against I_raw) out. Flags alone choose the model: any
// metadata_json in the file is never read.
import { describeShape, type NpyArray, type NumericArray, toFloat64 } from '../io/ndarray';
import { readNpz, writeNpz } from '../io/npz';
import type { ForwardOptions, JsTensor } from '../native/binding';
import { forwardIntensity, poissonNll } from './index';

export interface ForwardCase {
  /** (B, C, N, N) complex64 */
  patches: JsTensor;
  /** (B, C, 2) [x, y] float64 */
  positions: JsTensor;
  /** (N, N) complex64 */
  probe: JsTensor;
  scale: number;
  /** (B, C, N, N) observed counts, when the file has I_raw. */
  observed?: JsTensor;
}

export class ForwardCaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForwardCaseError';
  }
}

const KEYS = ['x_real', 'x_imag', 'positions', 'probe_real', 'probe_imag', 'scale', 'I_raw'];

function numeric(arrays: Map<string, NpyArray>, file: string, key: string): NumericArray {
  const array = arrays.get(key);
  if (!array) {
    throw new ForwardCaseError(
      `${file}: missing key '${key}'. The forward layout needs x_real, x_imag, positions, probe_real, probe_imag, scale (I_raw optional); present: ${[...arrays.keys()].join(', ') || 'none'}`,
    );
  }
  if (array.dtype === 'str' || array.dtype.startsWith('complex')) {
    throw new ForwardCaseError(`${file}: key '${key}' must be a real numeric array, got ${array.dtype}`);
  }
  return array as NumericArray;
}

function interleave(re: Float64Array, im: Float64Array): Float32Array {
  const out = new Float32Array(re.length * 2);
  for (let i = 0; i < re.length; i += 1) {
    out[2 * i] = re[i];
    out[2 * i + 1] = im[i];
  }
  return out;
}

function sameShape(file: string, a: [string, NumericArray], b: [string, NumericArray]): void {
  if (describeShape(a[1].shape) !== describeShape(b[1].shape)) {
    throw new ForwardCaseError(
      `${file}: '${a[0]}' ${describeShape(a[1].shape)} and '${b[0]}' ${describeShape(b[1].shape)} must have the same shape`,
    );
  }
}

export async function readForwardCase(file: string): Promise<ForwardCase> {
  const { arrays } = await readNpz(file, { keys: KEYS });
  const xr = numeric(arrays, file, 'x_real');
  const xi = numeric(arrays, file, 'x_imag');
  sameShape(file, ['x_real', xr], ['x_imag', xi]);
  if (xr.shape.length !== 4) {
    throw new ForwardCaseError(`${file}: 'x_real' must be (B, C, N, N), got ${describeShape(xr.shape)}`);
  }
  const [B, C, N] = xr.shape;
  const pos = numeric(arrays, file, 'positions');
  if (pos.data.length !== B * C * 2 || pos.shape[pos.shape.length - 1] !== 2) {
    throw new ForwardCaseError(
      `${file}: 'positions' must hold B·C = ${B * C} [x, y] pairs, (B, C, 2) or (B, C, 1, 2), got ${describeShape(pos.shape)}`,
    );
  }
  const pr = numeric(arrays, file, 'probe_real');
  const pi = numeric(arrays, file, 'probe_imag');
  sameShape(file, ['probe_real', pr], ['probe_imag', pi]);
  const scale = numeric(arrays, file, 'scale');
  if (scale.data.length !== 1) {
    throw new ForwardCaseError(`${file}: 'scale' must hold one value, got ${describeShape(scale.shape)}`);
  }
  const result: ForwardCase = {
    patches: { dtype: 'complex64', shape: [B, C, N, xr.shape[3]], data: interleave(toFloat64(xr), toFloat64(xi)) },
    positions: { dtype: 'float64', shape: [B, C, 2], data: toFloat64(pos) },
    probe: { dtype: 'complex64', shape: pr.shape, data: interleave(toFloat64(pr), toFloat64(pi)) },
    scale: toFloat64(scale)[0],
  };
  if (arrays.has('I_raw')) {
    const raw = numeric(arrays, file, 'I_raw');
    sameShape(file, ['I_raw', raw], ['x_real', xr]);
    result.observed = { dtype: 'float64', shape: raw.shape, data: toFloat64(raw) };
  }
  return result;
}

export interface ForwardResult {
  /** (B, C, N, N) float32 */
  intensity: JsTensor;
  /** The reported Poisson value (reference §4) against I_raw, when present. */
  poissonNll?: number;
}

export function runForwardCase(c: ForwardCase, options: ForwardOptions): ForwardResult {
  const intensity = forwardIntensity(c.patches, c.positions, c.probe, c.scale, options);
  if (!c.observed) return { intensity };
  const predicted: JsTensor = { dtype: 'float64', shape: intensity.shape, data: Float64Array.from(intensity.data) };
  return { intensity, poissonNll: poissonNll(predicted, c.observed) };
}

export async function writeForwardResult(file: string, result: ForwardResult): Promise<void> {
  const arrays: Record<string, NpyArray> = {
    intensity: { dtype: 'float32', shape: result.intensity.shape, data: Float32Array.from(result.intensity.data) },
  };
  if (result.poissonNll !== undefined) {
    arrays.poisson_nll = { dtype: 'float64', shape: [], data: Float64Array.of(result.poissonNll) };
  }
  await writeNpz(file, arrays);
}
