// The reconstructor contract hosts such as Ptychodus use: create from
// configuration, train, reconstruct, save and open a model. It holds an engine's
// model (lib/backends/engine.ts) without knowing which engine; configuration is held
// per instance and passed down explicitly, nothing is global.
import type { EngineModel } from '../backends/engine';
import { requireBackend, resolveBackendName } from '../backends/registry';
import { BundleError, readBundle, writeBundle, type BundleManifest, type TrainingSummary } from '../bundle/bundle';
import type { DistributedEnvironment } from '../config/env';
import { loadConfig } from '../config/load';
import { validateConfig, type BackendName, type ReconstructorConfig } from '../config/schema';
import { goodPixelMask, patternSize, type PtychoDataset } from '../data/dataset';
import { intensityScale, normalizeProbe } from '../data/normalize';
import type { JsTensor, StateDict, TrainEvent } from '../native/binding';
import type { ScanFile } from '../data/scanFile';
import { CheckpointWriter } from './checkpoints';
import { adjustedConfig } from './fineTuning';
import { manifestFields } from './manifest';
import { checkPatternSize, gatherAmplitudes, gatherPositions, prepareGroups, WorkflowError } from './prepare';
import { reconstructScan, type Reconstruction, type ReconstructOptions } from './reconstructScan';
import { reconstructScanFile, type StreamedReconstructOptions } from './reconstructScanFile';
import { eventStream, type EventStream } from './trainEvents';
import { trainingSettings } from '../backends/trainingSettings';
import { importedState } from '../interop/importedState';
import type { ImportSource } from '../interop/importedModel';
import { readForeignModel } from '../interop/importModel';

export type { Reconstruction, ReconstructOptions } from './reconstructScan';
export type { StreamedReconstructOptions } from './reconstructScanFile';

/** A training event with the rank of the process that sent it (0 when training alone). */
export type TrainProgress = TrainEvent & { rank: number };

export interface TrainOptions {
  validationData?: PtychoDataset;
  signal?: AbortSignal;
  onProgress?: (event: TrainProgress) => void;
  /** Write the model bundle here every `checkpointEvery` epochs and on abort (atomically). */
  checkpointPath?: string;
  checkpointEvery?: number;
  /**
   * Train as one rank of a data-parallel run (readDistributedEnvironment() reads what
   * launchers set); every rank calls train() with the same data and configuration.
   * Only rank 0 writes checkpoints.
   */
  distributed?: DistributedEnvironment;
}

export interface OpenModelOptions {
  /** The engine to run the model on; default: the one that trained it (the bundle's backend). */
  backend?: string;
  device?: ReconstructorConfig['device'];
  /** Training and reconstruction settings; the architecture always comes from the bundle. */
  training?: Partial<ReconstructorConfig>;
}

export interface ImportModelOptions {
  /** The engine to hold the model (default: PTYCHOPINN_BACKEND, else libtorch). */
  backend?: string;
  device?: ReconstructorConfig['device'];
  /** A dataset NPZ with the model's probeGuess, for formats that store none (Lightning checkpoints). */
  probe?: string;
}

export class Reconstructor implements Disposable {
  private model?: EngineModel;
  private inputScale?: number;
  private training: TrainingSummary | null = null;
  /** The engine that trained the weights held (the configuration's backend runs them). */
  private trainedBy: BackendName;
  /** The other program's file the weights were imported from, kept through saves. */
  private importedFrom?: ImportSource;

  /** nFromData: N was not stated, so the first training data decide it. */
  private constructor(
    private currentConfig: ReconstructorConfig,
    private readonly nFromData = false,
  ) {
    requireBackend(currentConfig.backend);
    this.trainedBy = currentConfig.backend;
  }

  /**
   * Validates `config` over the defaults (and PTYCHOPINN_* environment variables).
   * When N is not given, the first training data set it to their pattern size.
   */
  static create(config: Partial<ReconstructorConfig> = {}, env: NodeJS.ProcessEnv = process.env): Reconstructor {
    const { config: loaded, stated } = loadConfig({ env, overrides: config });
    return new Reconstructor(loaded, !stated.has('N'));
  }

  /** A configuration from loadConfig(); `nFromData` as create() decides it. */
  static fromConfig(config: ReconstructorConfig, options: { nFromData?: boolean } = {}): Reconstructor {
    return new Reconstructor(config, options.nFromData ?? false);
  }

  /**
   * Opens a bundle on the engine `options.backend` names, by default the one that
   * trained it: both engines read the same weights.
   */
  static async openModel(file: string, options: OpenModelOptions = {}): Promise<Reconstructor> {
    const { manifest, state } = await readBundle(file);
    const backend = options.backend === undefined ? manifest.backend : resolveBackendName(options.backend);
    const config = { ...adjustedConfig(manifest.config, { ...options.training, device: options.device }), backend };
    const reconstructor = new Reconstructor(config);
    try {
      reconstructor.adopt(manifest, state);
    } catch (error) {
      reconstructor.dispose();
      // The weights do not fit the architecture the manifest describes.
      const trainer = `trained by the '${manifest.backend}' engine`;
      throw new BundleError(
        file,
        `its weights (${trainer}) cannot be loaded by the '${backend}' engine: ${(error as Error).message}`,
      );
    }
    return reconstructor;
  }

  /**
   * Imports a model trained by PtychoPINN (its TensorFlow wts.h5.zip or a Lightning
   * .ckpt) onto an engine: the weights mapped onto ptychopinn's network, the
   * architecture, probe and intensity scale from the file. saveModel() then writes an
   * ordinary model.ptpinn whose manifest records the source (importedFrom).
   */
  static async importModel(file: string, options: ImportModelOptions = {}): Promise<Reconstructor> {
    const imported = await readForeignModel(file, { probe: options.probe });
    const overrides = {
      ...imported.config,
      ...(options.backend === undefined ? {} : { backend: resolveBackendName(options.backend) }),
      ...(options.device === undefined ? {} : { device: options.device }),
    };
    const reconstructor = new Reconstructor(loadConfig({ env: process.env, overrides }).config);
    try {
      const config = reconstructor.currentConfig;
      const model = requireBackend(config.backend).createModel({
        config,
        probe: imported.probe,
        inputScale: imported.inputScale,
      });
      reconstructor.model = model;
      model.loadStateDict(importedState(imported, model.stateDict(), file));
    } catch (error) {
      reconstructor.dispose();
      throw error;
    }
    reconstructor.inputScale = imported.inputScale;
    reconstructor.importedFrom = imported.source;
    return reconstructor;
  }

  /** Where the weights were imported from, when they were. */
  get source(): ImportSource | undefined {
    return this.importedFrom;
  }

  get config(): ReconstructorConfig {
    return this.currentConfig;
  }

  /** The engine that runs the model. */
  get backend(): BackendName {
    return this.currentConfig.backend;
  }

  /** The engine that trained the model's weights (another engine may run them). */
  get trainedBackend(): BackendName {
    return this.trainedBy;
  }

  /** Trains (or, on an opened model, fine-tunes) on `trainData`. */
  async train(trainData: PtychoDataset, options: TrainOptions = {}): Promise<TrainingSummary> {
    if (!this.model && this.nFromData) {
      this.currentConfig = validateConfig({ ...this.currentConfig, N: patternSize(trainData) });
    }
    const config = this.currentConfig;
    checkPatternSize(trainData, config, 'training data');
    if (options.validationData) checkPatternSize(options.validationData, config, 'validation data');
    const model = this.model ?? this.createModel(trainData);
    const prepared = prepareGroups(trainData, config, 'train');
    const count = prepared.groups.count;
    const data = {
      amplitudes: gatherAmplitudes(trainData, prepared, 0, count),
      positions: gatherPositions(prepared, 0, count),
      mask: goodPixelMask(trainData),
      ...(options.validationData ? validationArrays(options.validationData, config) : {}),
    };
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
    const path = options.checkpointPath;
    const checkpoints = new CheckpointWriter((state, aborted) => this.write(path!, state, summary(aborted, false)));
    const result = await model.train(data, {
      settings: trainingSettings(config, {
        hasValidationData: options.validationData !== undefined,
        checkpointEvery: path ? (options.checkpointEvery ?? 0) : 0,
        distributed: options.distributed,
      }),
      signal: options.signal ? AbortSignal.any([options.signal, checkpoints.signal]) : checkpoints.signal,
      onProgress: (event) => {
        if (event.type === 'epoch') {
          const { type, ...record } = event;
          history.push(record);
        }
        if (event.type === 'checkpoint' && path) checkpoints.enqueue(event.stateDict, event.aborted);
        options.onProgress?.({ ...event, rank: options.distributed?.rank ?? 0 });
      },
    });
    await checkpoints.settle();
    this.trainedBy = config.backend;
    this.training = {
      ...summary(result.aborted, result.stoppedEarly),
      initialValidationLoss: result.initialValidationLoss,
    };
    return this.training;
  }

  /** train() as an async iterator of progress events; `result` settles when training ends. */
  trainEvents(trainData: PtychoDataset, options: Omit<TrainOptions, 'onProgress'> = {}): EventStream<TrainingSummary> {
    return eventStream((onProgress) => this.train(trainData, { ...options, onProgress }));
  }

  /** Predicts every pattern of `data`, stitches the object and (by default) refines it against the data. */
  async reconstruct(data: PtychoDataset, options: ReconstructOptions = {}): Promise<Reconstruction> {
    const result = await reconstructScan(this.requireModel(), this.currentConfig, data, options);
    return { ...result, trainedBackend: this.trainedBy };
  }

  /**
   * reconstruct() for a scan read from its file a slice at a time (ScanFile.open):
   * memory stays flat in the number of patterns. The network's object only: physics
   * refinement needs every pattern in memory, and gridsize 1 models only.
   */
  async reconstructStreamed(scan: ScanFile, options: StreamedReconstructOptions = {}): Promise<Reconstruction> {
    const result = await reconstructScanFile(this.requireModel(), this.currentConfig, scan, options);
    return { ...result, trainedBackend: this.trainedBy };
  }

  async saveModel(file: string): Promise<BundleManifest> {
    return this.write(file, this.requireModel().stateDict(), this.training);
  }

  /** Frees the model now. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private createModel(trainData: PtychoDataset): EngineModel {
    const config = this.currentConfig;
    this.inputScale = intensityScale(trainData.nphotons ?? config.nphotons, config.N);
    this.model = requireBackend(config.backend).createModel({
      config,
      probe: normalizeProbe(trainData.probeGuess, config.probe_scale),
      inputScale: this.inputScale,
    });
    return this.model;
  }

  private adopt(manifest: BundleManifest, state: StateDict): void {
    const probe = state.probe;
    if (!probe) throw new WorkflowError('the bundle has no probe tensor');
    const complexProbe: JsTensor = { dtype: 'complex64', shape: [manifest.N, manifest.N], data: probe.data };
    this.model = requireBackend(this.currentConfig.backend).createModel({
      config: this.currentConfig,
      probe: complexProbe,
      inputScale: manifest.inputScale,
    });
    this.model.loadStateDict(state);
    this.inputScale = manifest.inputScale;
    this.training = manifest.training;
    this.trainedBy = manifest.backend;
    this.importedFrom = manifest.importedFrom;
  }

  private requireModel(): EngineModel {
    if (!this.model) throw new WorkflowError('no model: train() one or open one with Reconstructor.openModel()');
    return this.model;
  }

  private write(file: string, state: StateDict, training: TrainingSummary | null): Promise<BundleManifest> {
    const fields = manifestFields(
      this.currentConfig,
      this.inputScale!,
      state,
      training,
      this.trainedBy,
      this.importedFrom,
    );
    return writeBundle(file, fields, state);
  }
}

function validationArrays(validation: PtychoDataset, config: ReconstructorConfig) {
  const prepared = prepareGroups(validation, config, 'train');
  return {
    validationAmplitudes: gatherAmplitudes(validation, prepared, 0, prepared.groups.count),
    validationPositions: gatherPositions(prepared, 0, prepared.groups.count),
  };
}
