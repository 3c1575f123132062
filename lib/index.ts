// Public library API.
export { capabilities, setThreads, type Capabilities } from './capabilities';
export { diagnose, type Finding } from './diagnostics';
export { AddonLoadError, type LoadFailureCause } from './native/loader';
export type { DType, JsTensor } from './native/binding';
// Datasets (issue 4): NPZ files, the dataset contract, grouping, Ptychodus, simulation.
export { readNpz, writeNpz, type NpzContents, type ReadNpzOptions, type WriteNpzOptions } from './io/npz';
export type { NpyArray, NumericArray, NumericDType, StringArray } from './io/ndarray';
export { NpyFormatError } from './io/npy';
export { ZipFormatError } from './io/zipReader';
export { DatasetError } from './data/errors';
export { goodPixelMask, type InputKind, type PtychoDataset } from './data/dataset';
export { datasetFromArrays, type DatasetOptions } from './data/contract';
export { datasetArrays, loadDataset, saveDataset } from './data/datasetFile';
export { diffractionScaleFactor, normalizeDiffraction } from './data/normalize';
export { groupPositions, type GroupingOptions, type Groups } from './data/grouping';
export { readPtychodus, type PtychodusData, type PtychodusMetadata } from './data/ptychodusRead';
export { writePtychodusProduct, type PtychodusProduct } from './data/ptychodusWrite';
export { simulate, type ObjectSpec, type ProbeSpec, type SimulateOptions } from './simulate/simulate';
export type { PositionSpec } from './simulate/positions';
