// What reading another program's model file yields: the architecture fields of the
// configuration, the network's weights under the engines' state-dict names and
// layouts (OIHW kernels), the probe and the intensity scales, and where it came from.
import type { ReconstructorConfig } from '../config/schema';
import type { JsTensor, StateDict } from '../native/binding';

export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

export type ImportFormat = 'ptychopinn-tensorflow' | 'ptychopinn-lightning';

/** Recorded in the manifest of a bundle made by import. */
export interface ImportSource {
  format: ImportFormat;
  /** The file as given (basename), its SHA-256, and what in it was read. */
  file: string;
  sha256: string;
  members: string[];
}

export interface ImportedModel {
  config: Partial<ReconstructorConfig>;
  /** The network's weights ('network.…'), every one of them. */
  network: StateDict;
  /** Each of those names → the layer or tensor of the source file it came from, for errors. */
  origins: Record<string, string>;
  /** (N, N) complex64. */
  probe: JsTensor;
  /** s the inputs are scaled by; the network sees amplitudes · inputScale / intensityScale. */
  inputScale: number;
  /** exp(log_scale). */
  intensityScale: number;
  source: ImportSource;
}

/** The options an import may need: a probe where the model file holds none. */
export interface ImportOptions {
  /** A dataset file (NPZ or HDF5 product) whose probe the model was trained with. */
  probe?: string;
}
