// Public library API.
export { capabilities, engines, setThreads, type Capabilities, type EngineSummary } from './capabilities';
export { diagnose, type Finding } from './diagnostics';
export { AddonLoadError, type LoadFailureCause } from './native/loader';
export type { DType, JsTensor } from './native/binding';
// Datasets (issue 4): NPZ files, the dataset contract, grouping, Ptychodus, simulation.
export {
  npzBuffer,
  NpzSizeError,
  readNpz,
  readNpzBuffer,
  writeNpz,
  type NpzContents,
  type ReadNpzOptions,
  type WriteNpzOptions,
} from './io/npz';
export type { NpyArray, NumericArray, NumericDType, StringArray } from './io/ndarray';
export { NpyFormatError } from './io/npy';
export { ZipFormatError } from './io/zipReader';
export { DatasetError } from './data/errors';
export { goodPixelMask, type InputKind, type PtychoDataset } from './data/dataset';
export { datasetFromArrays, type DatasetOptions } from './data/contract';
export { datasetArrays, loadDataset, saveDataset } from './data/datasetFile';
export { ScanFile } from './data/scanFile';
export { diffractionScaleFactor, normalizeDiffraction } from './data/normalize';
export { groupPositions, type GroupingOptions, type Groups } from './data/grouping';
export { readPtychodus, type PtychodusData, type PtychodusMetadata } from './data/ptychodusRead';
export { writePtychodusProduct, type PtychodusProduct } from './data/ptychodusWrite';
export { simulate, type ObjectSpec, type ProbeSpec, type SimulateOptions } from './simulate/simulate';
export type { PositionSpec } from './simulate/positions';
// Reconstructor workflow (issue 6): configuration, backends, bundles, stitching, metrics.
export {
  Reconstructor,
  type OpenModelOptions,
  type Reconstruction,
  type ReconstructOptions,
  type StreamedReconstructOptions,
  type TrainOptions,
  type TrainProgress,
} from './workflow/Reconstructor';
export { WorkflowError } from './workflow/prepare';
export { reconstructionArrays } from './workflow/reconstructionArrays';
export { Figure } from './render/figure';
export { imageFigure, type ImageFigure } from './render/imageFigure';
export { lossFigure } from './render/lossFigure';
export { comparisonFigure, type ComparedReconstruction, type ComparisonFigure } from './render/comparisonFigure';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './config/load';
// Data-parallel training (issue 13): a rank's place in the run, from the launchers' variables.
export { readDistributedEnvironment, type DistributedEnvironment } from './config/env';
export {
  ConfigError,
  DEFAULT_CONFIG,
  validateConfig,
  type BackendName,
  type ReconstructorConfig,
} from './config/schema';
export { BackendUnavailableError, listBackends, resolveBackendName } from './backends/registry';
export {
  BUNDLE_FORMAT_VERSION,
  BundleError,
  readManifest,
  type BundleManifest,
  type TrainingSummary,
} from './bundle/bundle';
export { stitchGeometry, Stitcher, type StitchedObject, type StitchGeometry } from './stitch/Stitcher';
export { evaluate, type ChannelMetrics, type EvaluateOptions, type Metrics } from './metrics';
export * as physics from './physics';
