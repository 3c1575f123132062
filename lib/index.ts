// Public library API.
export { capabilities, setThreads, type Capabilities } from './capabilities';
export { diagnose, type Finding } from './diagnostics';
export { AddonLoadError, type LoadFailureCause } from './native/loader';
export type { DType, JsTensor } from './native/binding';
