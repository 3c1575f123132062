// Every environment variable ptychopinn reads at run time is parsed here and
// nowhere else. (Build-time variables — LIBTORCH, Torch_DIR, LIBTENSORFLOW,
// PTYCHOPINN_CUDA — are read by CMake; see README.)

export interface EnvironmentSettings {
  /** PTYCHOPINN_NUM_THREADS: LibTorch intra-op threads; default: available cores. */
  numThreads?: number;
  /** PTYCHOPINN_DEVICE: default device (cpu, cuda, cuda:N, auto); validated by the config schema. */
  device?: string;
  /** PTYCHOPINN_BACKEND: default backend (libtorch, tensorflow; pytorch and torch alias libtorch). */
  backend?: string;
}

export class EnvironmentError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`Environment variable ${variable}=${JSON.stringify(value)} is invalid: expected ${expected}.`);
    this.name = 'EnvironmentError';
  }
}

function positiveInteger(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new EnvironmentError(variable, raw, 'a positive integer');
  return value;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentSettings {
  const text = (variable: string) => (env[variable]?.trim() ? env[variable]!.trim() : undefined);
  return {
    numThreads: positiveInteger(env, 'PTYCHOPINN_NUM_THREADS'),
    device: text('PTYCHOPINN_DEVICE'),
    backend: text('PTYCHOPINN_BACKEND'),
  };
}

/**
 * TensorFlow logs its session set-up (CPU features, graph passes) at INFO level to
 * stderr; unless the user chose a level with TF_CPP_MIN_LOG_LEVEL, the TensorFlow
 * addon is loaded with INFO hidden. (TensorFlow reads the variable when it logs.)
 */
export function quietTensorFlowInfo(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TF_CPP_MIN_LOG_LEVEL === undefined) env.TF_CPP_MIN_LOG_LEVEL = '1';
}
