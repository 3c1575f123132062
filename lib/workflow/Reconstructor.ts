// The reconstructor contract hosts such as Ptychodus use: create from
// configuration, train, reconstruct, save and open a model. Configuration is held
// per instance and passed down explicitly; nothing is global.
import { requireBackend, resolveBackendName, BackendMismatchError } from '../backends/registry';
import { BundleError, readBundle, writeBundle, type BundleManifest, type TrainingSummary } from '../bundle/bundle';
import { capabilities } from '../capabilities';
import { loadConfig } from '../config/load';
import type { ReconstructorConfig } from '../config/schema';
import { patternSize, goodPixelMask, type PtychoDataset } from '../data/dataset';
import { saveDataset } from '../data/datasetFile';
import { intensityScale, normalizeProbe } from '../data/normalize';
import { PtychoPINNModel, type Device } from '../model/PtychoPINNModel';
import type { JsTensor, NativeModelConfig, StateDict, TrainEvent } from '../native/binding';
import { packageVersion } from '../packageInfo';
import { refineObject, type RefineOptions, type RefinementSummary } from '../refine/refineObject';
import { patchPositions, Stitcher, type StitchedObject } from '../stitch/Stitcher';
import { checkPatternSize, gatherAmplitudes, gatherPositions, prepareGroups, WorkflowError } from './prepare';

export interface TrainOptions {
  validationData?: PtychoDataset;
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void;
  /** Write the model bundle here every `checkpointEvery` epochs and on abort (atomically). */
  checkpointPath?: string;
  checkpointEvery?: number;
}

export interface OpenModelOptions {
  /** Must match the bundle's backend when given. */
  backend?: string;
  device?: Device;
  /** Training settings for fine-tuning; the architecture always comes from the bundle. */
  training?: Partial<ReconstructorConfig>;
}

/** What fine-tuning may change; every other field is fixed by the trained model. */
const TRAINING_FIELDS = [
  'nepochs',
  'batch_size',
  'learning_rate',
  'n_groups',
  'seed',
  'validation_fraction',
  'early_stopping_patience',
] as const satisfies readonly (keyof ReconstructorConfig)[];

export interface ReconstructOptions {
  signal?: AbortSignal;
  /** Groups predicted and stitched per chunk: memory is the canvas plus one chunk. */
  chunkGroups?: number;
  batchSize?: number;
  /** Central crop of each patch that is stitched; default: the configuration's stitch_crop. */
  stitchCrop?: number;
  /**
   * Physics refinement of the stitched object against the scan's patterns; default:
   * the configuration's refine_iterations and refine_probe. false: the network's object.
   */
  refine?: false | Omit<RefineOptions, 'signal'>;
}

export interface Reconstruction extends StitchedObject {
  /** Scan positions (M, 2) [x, y] in object pixels. */
  positions: Float64Array;
  backend: ReconstructorConfig['backend'];
  /** The network's stitched object when it was refined (the result is then the refined one). */
  network?: StitchedObject;
  refinement?: RefinementSummary;
  timings: {
    inferSeconds: number;
    stitchSeconds: number;
    refineSeconds: number;
    totalSeconds: number;
    patternsPerSecond: number;
  };
}

function nativeConfig(config: ReconstructorConfig, inputScale: number): NativeModelConfig {
  return {
    N: config.N,
    gridsize: config.gridsize,
    nFiltersScale: config.n_filters_scale,
    objectBig: config.object_big,
    probeBig: config.probe_big,
    padObject: config.pad_object,
    ampActivation: config.amp_activation,
    intensityScaleTrainable: config.intensity_scale_trainable,
    probeTrainable: config.probe_trainable,
    intensityScale: inputScale,
    nllWeight: config.nll_weight,
    maeWeight: config.mae_weight,
    trainingPatchWeighting: config.training_patch_weighting,
    seed: config.seed,
  };
}

export class Reconstructor {
  private model?: PtychoPINNModel;
  private inputScale?: number;
  private training: TrainingSummary | null = null;
  private trainingData?: PtychoDataset;

  private constructor(readonly config: ReconstructorConfig) {
    requireBackend(config.backend);
  }

  /** Validates `config` over the defaults (and PTYCHOPINN_* environment variables). */
  static create(config: Partial<ReconstructorConfig> = {}, env: NodeJS.ProcessEnv = process.env): Reconstructor {
    return new Reconstructor(loadConfig({ env, overrides: config }).config);
  }

  static fromConfig(config: ReconstructorConfig): Reconstructor {
    return new Reconstructor(config);
  }

  /**
   * Opens a bundle; it dispatches on the backend written in it. Asking for another
   * backend is an error naming both.
   */
  static async openModel(file: string, options: OpenModelOptions = {}): Promise<Reconstructor> {
    const { manifest, state } = await readBundle(file);
    if (options.backend !== undefined) {
      const requested = resolveBackendName(options.backend);
      if (requested !== manifest.backend) throw new BackendMismatchError(requested, manifest.backend, file);
    }
    const training = Object.fromEntries(
      TRAINING_FIELDS.filter((k) => options.training?.[k] !== undefined).map((k) => [k, options.training![k]]),
    );
    const config = { ...manifest.config, ...training, device: options.device ?? manifest.config.device };
    const reconstructor = new Reconstructor(config);
    try {
      reconstructor.adopt(manifest, state);
    } catch (error) {
      reconstructor.dispose();
      // The weights do not fit the architecture the manifest describes.
      throw new BundleError(file, (error as Error).message);
    }
    return reconstructor;
  }

  private adopt(manifest: BundleManifest, state: StateDict): void {
    const probe = state.probe;
    if (!probe) throw new WorkflowError('the bundle has no probe tensor');
    const complexProbe: JsTensor = { dtype: 'complex64', shape: [manifest.N, manifest.N], data: probe.data };
    this.model = new PtychoPINNModel(
      nativeConfig(this.config, manifest.inputScale),
      complexProbe,
      this.config.device as Device,
    );
    this.model.loadStateDict(state);
    this.inputScale = manifest.inputScale;
    this.training = manifest.training;
  }

  get backend(): ReconstructorConfig['backend'] {
    return this.config.backend;
  }

  /** Trains (or, on an opened model, fine-tunes) on `trainData`. */
  async train(trainData: PtychoDataset, options: TrainOptions = {}): Promise<TrainingSummary> {
    checkPatternSize(trainData, this.config, 'training data');
    if (options.validationData) checkPatternSize(options.validationData, this.config, 'validation data');
    if (!this.model) {
      const nphotons = trainData.nphotons ?? this.config.nphotons;
      this.inputScale = intensityScale(nphotons, this.config.N);
      const probe = normalizeProbe(trainData.probeGuess, this.config.probe_scale);
      this.model = new PtychoPINNModel(nativeConfig(this.config, this.inputScale), probe, this.config.device as Device);
    }
    const model = this.model;
    const prepared = prepareGroups(trainData, this.config, 'train');
    const count = prepared.groups.count;
    const data = {
      amplitudes: gatherAmplitudes(trainData, prepared, 0, count),
      positions: gatherPositions(prepared, 0, count),
      mask: goodPixelMask(trainData),
      ...(options.validationData ? this.validationArrays(options.validationData) : {}),
    };
    // A checkpoint that cannot be written stops training (the previous file is intact,
    // writeFileAtomic sees to that) and train() rejects with the write's error.
    let pendingWrite = Promise.resolve();
    let writeError: unknown;
    const stopOnWriteError = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, stopOnWriteError.signal])
      : stopOnWriteError.signal;
    const history: TrainingSummary['history'] = [];
    const started = performance.now();
    const summary = (aborted: boolean, stoppedEarly: boolean): TrainingSummary => ({
      epochs: history.length,
      aborted,
      stoppedEarly,
      seconds: (performance.now() - started) / 1000,
      finalLoss: history.at(-1)?.loss,
      finalValidationLoss: history.at(-1)?.validationLoss,
      history: [...history],
    });
    const result = await model.train(data, {
      epochs: this.config.nepochs,
      batchSize: this.config.batch_size,
      learningRate: this.config.learning_rate,
      validationFraction: options.validationData ? 0 : this.config.validation_fraction,
      earlyStoppingPatience: this.config.early_stopping_patience,
      checkpointEvery: options.checkpointPath ? (options.checkpointEvery ?? 0) : 0,
      seed: this.config.seed,
      signal,
      onProgress: (event) => {
        if (event.type === 'epoch') {
          const { type, ...record } = event;
          history.push(record);
        }
        if (event.type === 'checkpoint' && options.checkpointPath) {
          const path = options.checkpointPath;
          const state = event.stateDict;
          const partial = summary(event.aborted, false);
          pendingWrite = pendingWrite
            .then(async () => {
              await this.write(path, state, partial);
            })
            .catch((error: unknown) => {
              writeError ??= error;
              stopOnWriteError.abort();
            });
        }
        options.onProgress?.(event);
      },
    });
    await pendingWrite;
    if (writeError !== undefined) throw writeError;
    this.training = {
      ...summary(result.aborted, result.stoppedEarly),
      initialValidationLoss: result.initialValidationLoss,
    };
    this.trainingData = trainData;
    return this.training;
  }

  /** train() as an async iterator of progress events; `result` settles when training ends. */
  trainEvents(
    trainData: PtychoDataset,
    options: Omit<TrainOptions, 'onProgress'> = {},
  ): AsyncIterable<TrainEvent> & { result: Promise<TrainingSummary> } {
    const queue: TrainEvent[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const result = this.train(trainData, {
      ...options,
      onProgress: (event) => {
        queue.push(event);
        wake?.();
      },
    }).finally(() => {
      done = true;
      wake?.();
    });
    return {
      result,
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          if (done) {
            await result;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      },
    };
  }

  private validationArrays(validation: PtychoDataset) {
    const prepared = prepareGroups(validation, this.config, 'train');
    return {
      validationAmplitudes: gatherAmplitudes(validation, prepared, 0, prepared.groups.count),
      validationPositions: gatherPositions(prepared, 0, prepared.groups.count),
    };
  }

  /** Predicts every pattern of `data` and stitches the object, chunk by chunk. */
  async reconstruct(data: PtychoDataset, options: ReconstructOptions = {}): Promise<Reconstruction> {
    const model = this.requireModel();
    checkPatternSize(data, this.config, 'reconstruction data');
    const started = performance.now();
    const prepared = prepareGroups(data, this.config, 'reconstruct');
    const { groups } = prepared;
    const C = groups.C;
    const N = patternSize(data);
    const absolute = patchPositions(groups.centres, groups.relativePositions, C);
    const stitcher = new Stitcher(absolute, options.stitchCrop ?? this.config.stitch_crop);
    const chunk = options.chunkGroups ?? 1024;
    let inferMs = 0;
    let stitchMs = 0;
    try {
      for (let first = 0; first < groups.count; first += chunk) {
        options.signal?.throwIfAborted();
        const count = Math.min(chunk, groups.count - first);
        let t = performance.now();
        const patches = await model.infer(gatherAmplitudes(data, prepared, first, count), {
          batchSize: options.batchSize ?? this.config.batch_size * 4,
        });
        inferMs += performance.now() - t;
        t = performance.now();
        stitcher.add(
          { dtype: 'complex64', shape: [count * C, N, N], data: patches.data },
          absolute.subarray(first * C * 2, (first + count) * C * 2),
        );
        stitchMs += performance.now() - t;
      }
    } catch (error) {
      stitcher.finish();
      throw error;
    }
    const t = performance.now();
    const stitched = stitcher.finish();
    stitchMs += performance.now() - t;
    const refineOptions = this.refineOptions(options.refine);
    const refined = refineOptions
      ? await refineObject(stitched, data, { ...refineOptions, signal: options.signal })
      : undefined;
    const positions = new Float64Array(data.xcoords.length * 2);
    data.xcoords.forEach((x, i) => {
      positions[2 * i] = x;
      positions[2 * i + 1] = data.ycoords[i];
    });
    const totalSeconds = (performance.now() - started) / 1000;
    return {
      ...(refined ? refined.stitched : stitched),
      positions,
      backend: this.config.backend,
      ...(refined ? { network: stitched, refinement: refined.summary } : {}),
      timings: {
        inferSeconds: inferMs / 1000,
        stitchSeconds: stitchMs / 1000,
        refineSeconds: refined?.summary.seconds ?? 0,
        totalSeconds,
        // Diffraction patterns of the scan: with gridsize > 1 each is predicted once
        // per group it belongs to, which is the cost of gridsize, not extra throughput.
        patternsPerSecond: data.xcoords.length / totalSeconds,
      },
    };
  }

  private refineOptions(refine: ReconstructOptions['refine']): Omit<RefineOptions, 'signal'> | undefined {
    if (refine === false) return undefined;
    const merged = {
      iterations: this.config.refine_iterations,
      refineProbe: this.config.refine_probe,
      seed: this.config.seed,
      ...refine,
    };
    return merged.iterations > 0 ? merged : undefined;
  }

  async saveModel(file: string): Promise<BundleManifest> {
    return this.write(file, this.requireModel().stateDict(), this.training);
  }

  /** Writes the dataset the model was last trained on, as an NPZ of PtychoPINN's keys. */
  async exportTrainingData(file: string): Promise<void> {
    if (!this.trainingData) throw new WorkflowError('exportTrainingData(): nothing has been trained in this session');
    await saveDataset(file, this.trainingData);
  }

  /** Frees the native model now. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  private requireModel(): PtychoPINNModel {
    if (!this.model) throw new WorkflowError('no model: train() one or open one with Reconstructor.openModel()');
    return this.model;
  }

  private write(file: string, state: StateDict, training: TrainingSummary | null): Promise<BundleManifest> {
    return writeBundle(
      file,
      {
        backend: this.config.backend,
        packageVersion,
        libtorchVersion: capabilities().libtorch.version,
        config: this.config,
        N: this.config.N,
        gridsize: this.config.gridsize,
        inputScale: this.inputScale!,
        // From the state being written, so a checkpoint records its own epoch's scale.
        intensityScale: Math.exp(state.log_scale.data[0]),
        probe: { tensor: 'probe', shape: [this.config.N, this.config.N], layout: 'real-imag' },
        training,
      },
      state,
    );
  }
}
