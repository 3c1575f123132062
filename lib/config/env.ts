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

/**
 * A rank of a data-parallel training run, described the way PyTorch's launchers
 * (torchrun, Slurm wrappers, Kubernetes jobs, `ptychopinn train --nproc`) describe it.
 */
export interface DistributedEnvironment {
  /** WORLD_SIZE: processes in the run. */
  worldSize: number;
  /** RANK: this process, 0 … WORLD_SIZE − 1 (0 hosts the rendezvous store). */
  rank: number;
  /** LOCAL_RANK: this process among those on its machine (picks its CUDA device); default 0. */
  localRank: number;
  /** MASTER_ADDR: the host of rank 0 (required with WORLD_SIZE > 1). */
  masterAddress: string;
  /** MASTER_PORT: the port of rank 0's store (required with WORLD_SIZE > 1). */
  masterPort: number;
  /** PTYCHOPINN_DISTRIBUTED_TIMEOUT: seconds to wait for the ranks to join and for each collective. */
  timeoutSeconds?: number;
  /** GLOO_SOCKET_IFNAME: the network interface Gloo uses. */
  socketInterface?: string;
  /**
   * TORCHELASTIC_USE_AGENT_STORE=True: torchrun's agent hosts the store at
   * MASTER_ADDR:MASTER_PORT, so rank 0 connects to it rather than hosting one.
   */
  launcherHostsStore: boolean;
  /** TORCHELASTIC_RESTART_COUNT: which attempt of a restarted run this is (0 first). */
  restartCount: number;
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

function integerIn(env: NodeJS.ProcessEnv, variable: string, min: number, max: number): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EnvironmentError(variable, raw, `an integer in [${min}, ${max}]`);
  }
  return value;
}

function text(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  return env[variable]?.trim() ? env[variable]!.trim() : undefined;
}

/**
 * This process's place in a data-parallel run when WORLD_SIZE is above 1 (undefined
 * otherwise: a world of one trains alone). Read only by what trains, so that a stray
 * launcher variable never stops other commands.
 */
export function readDistributedEnvironment(env: NodeJS.ProcessEnv = process.env): DistributedEnvironment | undefined {
  const worldSize = positiveInteger(env, 'WORLD_SIZE');
  if (worldSize === undefined || worldSize === 1) return undefined;
  const required = <T>(variable: string, value: T | undefined, expected: string): T => {
    if (value === undefined) {
      throw new EnvironmentError(variable, env[variable] ?? '', `${expected} (WORLD_SIZE=${worldSize} is set)`);
    }
    return value;
  };
  const socketInterface = text(env, 'GLOO_SOCKET_IFNAME');
  if (socketInterface?.includes(',')) {
    throw new EnvironmentError('GLOO_SOCKET_IFNAME', socketInterface, 'one network interface name');
  }
  return {
    worldSize,
    rank: required('RANK', integerIn(env, 'RANK', 0, worldSize - 1), `an integer in [0, ${worldSize - 1}]`),
    localRank: integerIn(env, 'LOCAL_RANK', 0, 65535) ?? 0,
    masterAddress: required('MASTER_ADDR', text(env, 'MASTER_ADDR'), "rank 0's host name or address"),
    masterPort: required('MASTER_PORT', integerIn(env, 'MASTER_PORT', 1, 65535), 'a port in [1, 65535]'),
    timeoutSeconds: readDistributedTimeout(env),
    socketInterface,
    launcherHostsStore: text(env, 'TORCHELASTIC_USE_AGENT_STORE')?.toLowerCase() === 'true',
    restartCount: integerIn(env, 'TORCHELASTIC_RESTART_COUNT', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
}

/** PTYCHOPINN_DISTRIBUTED_TIMEOUT in seconds, when set. */
export function readDistributedTimeout(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.PTYCHOPINN_DISTRIBUTED_TIMEOUT;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (!(Number.isFinite(seconds) && seconds > 0)) {
    throw new EnvironmentError('PTYCHOPINN_DISTRIBUTED_TIMEOUT', raw, 'a positive number of seconds');
  }
  return seconds;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentSettings {
  return {
    numThreads: positiveInteger(env, 'PTYCHOPINN_NUM_THREADS'),
    device: text(env, 'PTYCHOPINN_DEVICE'),
    backend: text(env, 'PTYCHOPINN_BACKEND'),
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
