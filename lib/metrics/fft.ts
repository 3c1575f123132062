// A complex DFT of any length in float64, for the FRC of images of a few hundred
// pixels: iterative radix-2 for powers of two, Bluestein's chirp-z (a power-of-two
// convolution) for other lengths, so every size costs O(N log N). Twiddles, bit
// reversals and chirps are computed once per length, since a 2-D transform runs
// hundreds of 1-D transforms of the same length.

/** In-place forward DFT X[k] = Σ x[n]·exp(−2πi·kn/N) of separate real and imaginary parts. */
export function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: ${n} real parts but ${im.length} imaginary parts`);
  if (n <= 1) return;
  if ((n & (n - 1)) === 0) radix2(re, im, radix2Plan(n));
  else bluestein(re, im, bluesteinPlan(n));
}

/** In-place forward 2-D DFT of a height×width image (rows, then columns). */
export function fft2InPlace(re: Float64Array, im: Float64Array, height: number, width: number): void {
  const rowRe = new Float64Array(width);
  const rowIm = new Float64Array(width);
  for (let i = 0; i < height; i++) {
    rowRe.set(re.subarray(i * width, (i + 1) * width));
    rowIm.set(im.subarray(i * width, (i + 1) * width));
    fftInPlace(rowRe, rowIm);
    re.set(rowRe, i * width);
    im.set(rowIm, i * width);
  }
  const colRe = new Float64Array(height);
  const colIm = new Float64Array(height);
  for (let j = 0; j < width; j++) {
    for (let i = 0; i < height; i++) {
      colRe[i] = re[i * width + j];
      colIm[i] = im[i * width + j];
    }
    fftInPlace(colRe, colIm);
    for (let i = 0; i < height; i++) {
      re[i * width + j] = colRe[i];
      im[i * width + j] = colIm[i];
    }
  }
}

interface Radix2Plan {
  reversed: Uint32Array;
  /** exp(−2πi·k/n), k < n/2, from cos/sin directly (a recurrence drifts). */
  cos: Float64Array;
  sin: Float64Array;
}

interface BluesteinPlan {
  /** exp(iπ·k²/n), k < n. */
  chirpRe: Float64Array;
  chirpIm: Float64Array;
  /** The chirp, wrapped to length m and transformed. */
  kernelRe: Float64Array;
  kernelIm: Float64Array;
  inner: Radix2Plan;
  /** Work space of length m, reused by every transform of this length. */
  workRe: Float64Array;
  workIm: Float64Array;
}

const radix2Plans = new Map<number, Radix2Plan>();
const bluesteinPlans = new Map<number, BluesteinPlan>();

function radix2Plan(n: number): Radix2Plan {
  let plan = radix2Plans.get(n);
  if (plan) return plan;
  const reversed = new Uint32Array(n);
  const bits = Math.log2(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / n);
    sin[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  plan = { reversed, cos, sin };
  radix2Plans.set(n, plan);
  return plan;
}

function radix2(re: Float64Array, im: Float64Array, plan: Radix2Plan): void {
  const n = re.length;
  const { reversed, cos, sin } = plan;
  for (let i = 0; i < n; i++) {
    const j = reversed[i];
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const s = im[i];
      im[i] = im[j];
      im[j] = s;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * stride];
        const wi = sin[k * stride];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

// kn = (k² + n² − (k − n)²)/2 turns the DFT into a convolution with the chirp
// w_m = exp(iπm²/N): X_k = conj(w_k)·Σ_n x_n·conj(w_n)·w_(k−n), done by power-of-two
// FFTs of length m ≥ 2N − 1.
function bluesteinPlan(n: number): BluesteinPlan {
  let plan = bluesteinPlans.get(n);
  if (plan) return plan;
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // k² mod 2N keeps the angle small (and exact) for large k.
    const angle = (Math.PI * ((k * k) % (2 * n))) / n;
    chirpRe[k] = Math.cos(angle);
    chirpIm[k] = Math.sin(angle);
  }
  const kernelRe = new Float64Array(m);
  const kernelIm = new Float64Array(m);
  kernelRe[0] = chirpRe[0];
  kernelIm[0] = chirpIm[0];
  for (let k = 1; k < n; k++) {
    kernelRe[k] = kernelRe[m - k] = chirpRe[k];
    kernelIm[k] = kernelIm[m - k] = chirpIm[k];
  }
  const inner = radix2Plan(m);
  radix2(kernelRe, kernelIm, inner);
  plan = {
    chirpRe,
    chirpIm,
    kernelRe,
    kernelIm,
    inner,
    workRe: new Float64Array(m),
    workIm: new Float64Array(m),
  };
  bluesteinPlans.set(n, plan);
  return plan;
}

function bluestein(re: Float64Array, im: Float64Array, plan: BluesteinPlan): void {
  const n = re.length;
  const { chirpRe, chirpIm, kernelRe, kernelIm, inner, workRe: aRe, workIm: aIm } = plan;
  const m = aRe.length;
  aRe.fill(0);
  aIm.fill(0);
  for (let k = 0; k < n; k++) {
    // a = x · conj(chirp)
    aRe[k] = re[k] * chirpRe[k] + im[k] * chirpIm[k];
    aIm[k] = im[k] * chirpRe[k] - re[k] * chirpIm[k];
  }
  radix2(aRe, aIm, inner);
  // Multiply by the kernel's transform and conjugate, for the inverse by conjugation:
  // ifft(z) = conj(fft(conj(z))) / m.
  for (let k = 0; k < m; k++) {
    const r = aRe[k] * kernelRe[k] - aIm[k] * kernelIm[k];
    aIm[k] = -(aRe[k] * kernelIm[k] + aIm[k] * kernelRe[k]);
    aRe[k] = r;
  }
  radix2(aRe, aIm, inner);
  for (let k = 0; k < n; k++) {
    const cr = aRe[k] / m;
    const ci = -aIm[k] / m;
    // X = conj(chirp) · (a ⊛ chirp)
    re[k] = cr * chirpRe[k] + ci * chirpIm[k];
    im[k] = ci * chirpRe[k] - cr * chirpIm[k];
  }
}
