// Random damage to a valid file: a few flipped bytes, a truncation, or inserted
// bytes. Two thirds of the positions fall in the first or last KiB, where zip and
// .npy headers and the central directory are: uniform positions in a megabyte of
// weights would almost never touch structure.
'use strict';

const EDGE = 1024;

function position(rng, length) {
  const r = rng.uniform();
  if (r < 1 / 3) return rng.int(Math.min(length, EDGE));
  if (r < 2 / 3) return Math.max(0, length - 1 - rng.int(Math.min(length, EDGE)));
  return rng.int(length);
}

/** A damaged copy of `bytes` and what was done to it. */
function mutate(rng, bytes) {
  const kind = ['flip', 'truncate', 'insert'][rng.int(3)];
  if (kind === 'truncate') {
    const at = position(rng, bytes.length);
    return { bytes: bytes.subarray(0, at), what: `truncated to ${at} bytes` };
  }
  if (kind === 'flip') {
    const out = Uint8Array.from(bytes);
    const at = Array.from({ length: 1 + rng.int(8) }, () => position(rng, out.length));
    for (const p of at) out[p] ^= 1 + rng.int(255);
    return { bytes: out, what: `flipped bytes ${at.join(', ')}` };
  }
  const at = position(rng, bytes.length + 1);
  const extra = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
  const out = new Uint8Array(bytes.length + extra.length);
  out.set(bytes.subarray(0, at));
  out.set(extra, at);
  out.set(bytes.subarray(at), at + extra.length);
  return { bytes: out, what: `inserted ${extra.length} bytes at ${at}` };
}

module.exports = { mutate };
