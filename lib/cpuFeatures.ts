// What the processor offers that changes how fast the network runs.
import fs from 'node:fs';

let bfloat16: boolean | undefined;

/** Whether the CPU has bfloat16 dot-product instructions (AVX512-BF16 or AMX-BF16); Linux's cpuinfo says. */
export function cpuHasBfloat16(): boolean {
  if (bfloat16 === undefined) {
    try {
      bfloat16 = /\b(avx512_bf16|amx_bf16)\b/.test(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      bfloat16 = false;
    }
  }
  return bfloat16;
}
