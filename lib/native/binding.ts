// The whole native contract in one place: every function each addon exports, typed:
// NativeBinding for ptychopinn.node (LibTorch), TensorFlowBinding for ptychopinn_tf.node.
// The C++ side lives in native/ (the TensorFlow addon in native/tensorflow/); keep
// the two in step.

/** Element types that cross the boundary. Complex values are interleaved (re, im). */
export type DType = 'float32' | 'float64' | 'complex64' | 'complex128';

/**
 * A tensor as it crosses the boundary. Inputs are copied into native memory on the
 * calling thread; outputs are handed over without a copy and freed when the
 * ArrayBuffer is collected.
 */
export interface JsTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Float64Array;
}

export interface NativeCudaDevice {
  index: number;
  name: string;
  totalMemoryBytes: number;
  computeCapability: string;
}

export interface NativeCapabilities {
  /** LibTorch version the addon was compiled against (torch/version.h). */
  libtorchVersion: string;
  /** The LibTorch CPU library this process loaded (dladdr), '' if unknown. */
  libtorchLibrary: string;
  cudaCompiled: boolean;
  cudaAvailable: boolean;
  cudaDevices: NativeCudaDevice[];
  numThreads: number;
  numInteropThreads: number;
  mkldnn: boolean;
  mkl: boolean;
  parallelInfo: string;
  cxx11Abi: boolean;
  /** c10d backends compiled in for data-parallel training ('gloo', 'nccl'); empty: none. */
  distributedBackends: string[];
  /** Why Gloo is missing from this build; '' when it is there. */
  distributedUnavailableReason: string;
}

export type Weighting = 'probe' | 'central_mask' | 'uniform';

/** How shifts are computed: the custom kernels, or LibTorch's grid_sample (the baseline). */
export type Translation = 'kernels' | 'grid_sample';

export interface ForwardOptions {
  /** Merge the group's patches and extract them again (the overlap constraint). */
  objectBig?: boolean;
  /** Merge weighting; default 'central_mask'. */
  weighting?: Weighting;
  /** Padded merge size Np; 0 or absent: N + (g − 1)·4 + 10. */
  paddedSize?: number;
  translation?: Translation;
}

/** Ops whose vector-Jacobian product `vjp` computes, with their argument lists. */
export interface VjpOps {
  translate: [img: JsTensor, offsets: JsTensor, options?: ForwardOptions];
  mergePatches: [patches: JsTensor, positions: JsTensor, probe: JsTensor, options?: ForwardOptions];
  extractPatches: [merged: JsTensor, positions: JsTensor, patchSize: number, options?: ForwardOptions];
  forwardIntensity: [patches: JsTensor, positions: JsTensor, probe: JsTensor, scale: number, options?: ForwardOptions];
  gatherPatches: [object: JsTensor, corners: JsTensor, patchSize: number];
}

/** A native canvas that patch crops are scatter-added to, chunk by chunk. */
export interface NativeStitchCanvas {
  /** Adds the central crop×crop of each patch (M, n, n) at canvas centres (M, 2) [x, y]; returns kernel ms. */
  add(patches: JsTensor, centres: JsTensor, crop: number): number;
  /** Σ crops / (Σ weights + 1e-9), and Σ weights. */
  result(): { object: JsTensor; weight: JsTensor };
  /** Frees the canvas now rather than at garbage collection. */
  dispose(): void;
}

export type AmpActivation = 'sigmoid' | 'swish' | 'softplus' | 'relu';

/** Model configuration as the addon reads it (the workflow maps PtychoPINN's names onto it). */
export interface NativeModelConfig {
  N?: number;
  gridsize?: number;
  nFiltersScale?: number;
  objectBig?: boolean;
  probeBig?: boolean;
  padObject?: boolean;
  ampActivation?: AmpActivation;
  intensityScaleTrainable?: boolean;
  probeTrainable?: boolean;
  /** s = sqrt(nphotons)/(N/2): log_scale starts at log s. */
  intensityScale?: number;
  nllWeight?: number;
  maeWeight?: number;
  trainingPatchWeighting?: Weighting;
  paddedSize?: number;
  /** Seed of the weight initialisation. */
  seed?: number;
  /** 'grid_sample' builds the model from LibTorch ops only (benchmark baseline). */
  translation?: Translation;
  /** bfloat16 convolutions (LibTorch engine only). */
  bfloat16?: boolean;
}

export interface NativeTrainOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  validationFraction?: number;
  plateauPatience?: number;
  plateauFactor?: number;
  minLearningRate?: number;
  /** Stop after this many epochs without improvement; 0: never. */
  earlyStoppingPatience?: number;
  /** Hand out a state dict every this many epochs (and always on abort); 0: only on abort. */
  checkpointEvery?: number;
  /** Seed of the validation split and the shuffles. */
  seed?: number;
  /** This process's place in a data-parallel run; a world of one trains alone. */
  distributed?: NativeDistributedOptions;
}

/**
 * Data-parallel training (LibTorch engine): rendezvous at a c10d TCPStore, Gloo (CPU)
 * or NCCL (CUDA) collectives.
 */
export interface NativeDistributedOptions {
  worldSize: number;
  /** 0 … worldSize − 1; rank 0 alone hands out checkpoints (and hosts the store unless the launcher does). */
  rank: number;
  /** Host of the rendezvous store; '' in a world of one. */
  masterAddress: string;
  masterPort: number;
  /** The launcher (torchrun's agent) hosts the store: rank 0 connects to it instead of hosting one. */
  launcherHostsStore: boolean;
  /** Keys of this run go under it ('' for none; torchrun: one per restart attempt). */
  storePrefix: string;
  /** Bound on joining and on each collective: a rank that hangs is reported after it. */
  timeoutSeconds: number;
  /** Network interface for Gloo ('': this host's name, or loopback with a loopback master address). */
  socketInterface: string;
}

/** Normalised amplitudes X (M, C, N, N) and relative positions (M, C, 2) [x, y]. */
export interface NativeTrainData {
  amplitudes: JsTensor;
  positions: JsTensor;
  /** (N, N): 1 = good pixel, 0 = bad (excluded from the loss). */
  mask?: JsTensor;
  validationAmplitudes?: JsTensor;
  validationPositions?: JsTensor;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  nll: number;
  mae: number;
  /** Absent without validation data. */
  validationLoss?: number;
  validationNll?: number;
  learningRate: number;
  seconds: number;
  patternsPerSecond: number;
}

export interface BatchEvent {
  type: 'batch';
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  nll: number;
  mae: number;
  learningRate: number;
  patternsPerSecond: number;
}

export type StateDict = Record<string, JsTensor>;

/**
 * In a data-parallel run a batch's loss is over this rank's piece of it, epoch records
 * are over every rank's groups, and only rank 0 hands out checkpoints.
 */
export type TrainEvent =
  | BatchEvent
  | ({ type: 'epoch' } & EpochRecord)
  | { type: 'checkpoint'; epoch: number; aborted: boolean; stateDict: StateDict };

export interface TrainResult {
  history: EpochRecord[];
  /** Validation loss and NLL before this training; absent without validation data. */
  initialValidationLoss?: number;
  initialValidationNll?: number;
  aborted: boolean;
  stoppedEarly: boolean;
}

export interface NativeModelInfo {
  device: string;
  /** True when device 'auto' fell back to the CPU. */
  deviceFellBack: boolean;
  parameterCount: number;
  training: boolean;
  /** exp(log_scale): the trained intensity scale. */
  intensityScale: number;
}

/** One batch of the objective: normalised amplitudes (B, C, N, N), positions (B, C, 2), mask (N, N). */
export interface NativeBatch {
  amplitudes: JsTensor;
  positions: JsTensor;
  mask?: JsTensor;
}

export interface LossAndGradients {
  loss: number;
  nll: number;
  mae: number;
  /** The gradient of every trained parameter, under its state-dict name and layout. */
  gradients: StateDict;
}

/** The model class of both addons: one contract, whichever engine implements it. */
export interface NativeModel {
  train(data: NativeTrainData, options: NativeTrainOptions, onEvent: (event: TrainEvent) => void): Promise<TrainResult>;
  abortTraining(): void;
  /**
   * Object patches (M, C_out, N, N) complex64 for normalised amplitudes (M, C, N, N),
   * read in place (not copied): leave the array unchanged until the promise settles.
   */
  infer(amplitudes: JsTensor, options?: { batchSize?: number }): Promise<JsTensor>;
  stateDict(): StateDict;
  loadStateDict(state: StateDict): void;
  dispose(): void;
  /** Diagnostic (tests compare engines with it): the loss of one batch and its gradients, no optimiser step. */
  lossAndGradients(batch: NativeBatch): LossAndGradients;
  readonly info: NativeModelInfo;
}

/** What refineObject fits: the whole object (and probe) against the measured patterns. */
export interface NativeRefineData {
  /** (H, W) complex64: the starting object. */
  object: JsTensor;
  /** (N, N) complex64. */
  probe: JsTensor;
  /** (M, N, N) float32 measured amplitudes; read in place, so leave it unchanged until done. */
  amplitudes: JsTensor;
  /** (M, 2) [x, y]: object coordinate of each pattern's patch pixel (0, 0). */
  corners: JsTensor;
  /** (N, N): 1 = good pixel, 0 = bad. */
  mask?: JsTensor;
}

export interface NativeRefineOptions {
  /** Passes over every pattern. */
  iterations?: number;
  batchSize?: number;
  /** Adam step relative to the mean object amplitude. */
  learningRate?: number;
  refineProbe?: boolean;
  probeLearningRate?: number;
  /** Passes with the probe held before it moves. */
  probeStart?: number;
  seed?: number;
}

export interface RefineIteration {
  iteration: number;
  /** Σ (|F| − A)² / Σ A² over the pass. */
  loss: number;
  seconds: number;
}

export interface NativeRefineResult {
  object: JsTensor;
  probe: JsTensor;
  /** Factor the starting object was scaled by to match the data's level. */
  scale: number;
  /** Σ | |F| − A | / Σ A before and after. */
  initialRFactor: number;
  finalRFactor: number;
  aborted: boolean;
  history: RefineIteration[];
}

export interface NativeBinding {
  capabilities(): NativeCapabilities;
  /** Sets LibTorch's intra-op thread count; returns the count now in effect. */
  setNumThreads(threads: number): number;
  /** Returns 2·x + 1 computed by LibTorch (runtime self-test). */
  affineRoundTrip(x: JsTensor): JsTensor;

  // Physics (reference §2–5). Positions and offsets are [x, y] pixels.
  /** img (…, H, W), offsets (…, 2): content moves by +offset, bilinear, zero fill. */
  translate(img: JsTensor, offsets: JsTensor, options?: ForwardOptions): JsTensor;
  /** patches (B, C, N, N) complex, positions (B, C, 2), probe (N, N) → merged (B, Np, Np). */
  mergePatches(patches: JsTensor, positions: JsTensor, probe: JsTensor, options?: ForwardOptions): JsTensor;
  /** merged (B, Np, Np), positions (B, C, 2) → patches (B, C, N, N). */
  extractPatches(merged: JsTensor, positions: JsTensor, patchSize: number, options?: ForwardOptions): JsTensor;
  /** |fftshift(fft2(scale·probe·O', ortho))|², (B, C, N, N) real. */
  forwardIntensity(
    patches: JsTensor,
    positions: JsTensor,
    probe: JsTensor,
    scale: number,
    options?: ForwardOptions,
  ): JsTensor;
  /** object (H, W), corners (M, 2) [x, y] → patches (M, n, n): patch pixel (j, i) = object(y + j, x + i), bilinear. */
  gatherPatches(object: JsTensor, corners: JsTensor, patchSize: number): JsTensor;
  /** Gradient of ⟨op(args), cotangent⟩ with respect to op's first argument. */
  vjp<K extends keyof VjpOps>(op: K, cotangent: JsTensor, ...args: VjpOps[K]): JsTensor;
  /** fftshift(fft2(psi, ortho)) over the last two dimensions. */
  farField(psi: JsTensor): JsTensor;
  /** Reported Poisson NLL: per group Σ (I − I_obs·log I + lgamma(I_obs + 1)), mean over groups. */
  poissonNll(predicted: JsTensor, observed: JsTensor): number;
  /** Training Poisson NLL: mean over good pixels of I − I_obs·log max(I, 1e-12). */
  poissonNllMean(predicted: JsTensor, observed: JsTensor, mask?: JsTensor): number;
  /** Mean over good pixels of |A − A_obs|. */
  amplitudeMae(predicted: JsTensor, observed: JsTensor, mask?: JsTensor): number;
  /** P / (probeScale · mean |D·P|), D the disk of radius N/4. */
  normalizeProbe(probe: JsTensor, probeScale: number): JsTensor;
  /** sqrt(nphotons) / (N/2). */
  intensityScale(nphotons: number, N: number): number;
  StitchCanvas: new (height: number, width: number, dtype: DType) => NativeStitchCanvas;

  NativeModel: new (config: NativeModelConfig, probe: JsTensor, device: string) => NativeModel;

  /**
   * The groups each rank trains on in `epoch`, batch by batch ([rank][batch][i]), as the
   * trainer deals them out: every group once per epoch, a global batch split among the ranks.
   */
  epochShards(groups: number, batchSize: number, worldSize: number, seed: number, epoch: number): number[][][];

  /** Physics refinement on libuv's pool; abort() stops it within one mini-batch. */
  refineObject(
    data: NativeRefineData,
    options?: NativeRefineOptions,
    onIteration?: (record: RefineIteration) => void,
  ): { promise: Promise<NativeRefineResult>; abort(): void };

  /** Timing loops for `npm run bench` (scripts/bench/). */
  bench: {
    /** Seconds per forward + backward of the physics chain with a Poisson loss. */
    physicsStep(
      patches: JsTensor,
      positions: JsTensor,
      probe: JsTensor,
      scale: number,
      observed: JsTensor,
      options: ForwardOptions,
      iterations: number,
    ): number;
    /** Seconds to stitch with grid_sample into the full canvas, `chunk` patches at a time. */
    gridSampleStitch(
      patches: JsTensor,
      centres: JsTensor,
      crop: number,
      height: number,
      width: number,
      chunk: number,
    ): number;
  };
}

export interface NativeTensorFlowCapabilities {
  /** TF_Version() of the TensorFlow library loaded. */
  tensorflowVersion: string;
  /** The TensorFlow C API library this process loaded (dladdr), '' if unknown. */
  tensorflowLibrary: string;
  /** What every session of this addon is configured with (TensorFlow's pools are process-wide). */
  numThreads: number;
  numInteropThreads: number;
}

/** Ops whose vector-Jacobian product the TensorFlow addon's `vjp` computes. */
export interface TensorFlowVjpOps {
  forwardIntensity: VjpOps['forwardIntensity'];
  farField: [psi: JsTensor];
}

/** ptychopinn_tf.node: the TensorFlow engine over the TensorFlow C API. */
export interface TensorFlowBinding {
  capabilities(): NativeTensorFlowCapabilities;
  /** Fixes the intra-op thread count of every session (first call only); returns the count in effect. */
  configureThreads(threads: number): number;

  // Physics of the engine's graph (reference §2–4), for parity and gradient checks.
  /** |fftshift(fft2(scale·probe·O', ortho))|², (B, C, N, N) real. */
  forwardIntensity(
    patches: JsTensor,
    positions: JsTensor,
    probe: JsTensor,
    scale: number,
    options?: ForwardOptions,
  ): JsTensor;
  /** fftshift(fft2(psi, ortho)) over the last two dimensions. */
  farField(psi: JsTensor): JsTensor;
  /** Reported Poisson NLL: per group Σ (I − I_obs·log I + lgamma(I_obs + 1)), mean over groups. */
  poissonNll(predicted: JsTensor, observed: JsTensor): number;
  /** Gradient of ⟨op(args), cotangent⟩ with respect to op's first argument (through the hand-written FFT adjoint). */
  vjp<K extends keyof TensorFlowVjpOps>(op: K, cotangent: JsTensor, ...args: TensorFlowVjpOps[K]): JsTensor;

  NativeModel: new (config: NativeModelConfig, probe: JsTensor, device: string) => NativeModel;
}
