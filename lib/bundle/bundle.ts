// model.ptpinn: one zip file of manifest.json + weights.safetensors, written
// atomically (temporary file, then rename) and verified on open.
import { createHash } from 'node:crypto';
import yazl from 'yazl';

import {
  type BackendName,
  coerceField,
  ConfigError,
  DEFAULT_CONFIG,
  isConfigField,
  type ReconstructorConfig,
  validateConfig,
} from '../config/schema';
import { writeFileAtomic } from '../io/atomicWrite';
import { ZipReader } from '../io/zipReader';
import type { ImportSource } from '../interop/importedModel';
import type { EpochRecord, StateDict } from '../native/binding';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export const BUNDLE_FORMAT = 'ptychopinn-model';
export const BUNDLE_FORMAT_VERSION = 1;
const MANIFEST = 'manifest.json';
const WEIGHTS = 'weights.safetensors';

export interface TrainingSummary {
  epochs: number;
  aborted: boolean;
  stoppedEarly: boolean;
  seconds: number;
  finalLoss?: number;
  finalValidationLoss?: number;
  /** Validation loss of the model before this training. */
  initialValidationLoss?: number;
  history: EpochRecord[];
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  /** The engine that trained the weights; either engine can run them. */
  backend: BackendName;
  /** The engine that held the model when it was written, and its version (absent in older bundles). */
  savedBy?: { backend: BackendName; version: string };
  packageVersion: string;
  libtorchVersion: string;
  createdAt: string;
  config: ReconstructorConfig;
  N: number;
  gridsize: number;
  /** s = sqrt(nphotons)/(N/2) the model was built with: inputs are scaled by s / exp(log_scale). */
  inputScale: number;
  /** exp(log_scale) after training: the scale used at inference (reference §5). */
  intensityScale: number;
  /** The normalised probe the model was trained with: tensor 'probe' (N, N, 2) [re, im] of the weights. */
  probe: { tensor: 'probe'; shape: [number, number]; layout: 'real-imag' };
  training: TrainingSummary | null;
  /** For a model imported from another program (`ptychopinn import`): its file and format. */
  importedFrom?: ImportSource;
  weights: { file: typeof WEIGHTS; sha256: string; bytes: number };
}

export class BundleError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'BundleError';
  }
}

export type ManifestFields = Omit<BundleManifest, 'format' | 'formatVersion' | 'weights' | 'createdAt'>;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes the bundle to `file` atomically: readers see the old file or the whole new one. */
export async function writeBundle(file: string, fields: ManifestFields, state: StateDict): Promise<BundleManifest> {
  const weights = encodeSafetensors(state, { format: BUNDLE_FORMAT });
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    ...fields,
    weights: { file: WEIGHTS, sha256: sha256(weights), bytes: weights.length },
  };
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), MANIFEST, { compress: true });
  zip.addBuffer(Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength), WEIGHTS, { compress: false });
  zip.end();
  await writeFileAtomic(file, zip.outputStream);
  return manifest;
}

async function readMember(zip: ZipReader, name: string): Promise<Uint8Array> {
  const entry = zip.entries.find((e) => e.fileName === name);
  if (!entry) throw new BundleError(zip.file, `not a model bundle: it has no ${name}`);
  try {
    return new Uint8Array((await zip.read(entry, () => 'read'))!);
  } catch (error) {
    throw new BundleError(zip.file, `${name} is corrupt or truncated (${(error as Error).message})`);
  }
}

function checkManifest(file: string, value: unknown): BundleManifest {
  const m = value as Partial<BundleManifest>;
  if (!m || m.format !== BUNDLE_FORMAT || typeof m.formatVersion !== 'number') {
    throw new BundleError(file, `not a ptychopinn model bundle (manifest format is ${JSON.stringify(m?.format)})`);
  }
  if (m.formatVersion > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      file,
      `bundle format version ${m.formatVersion} is newer than this ptychopinn reads (${BUNDLE_FORMAT_VERSION}); upgrade ptychopinn`,
    );
  }
  if (!isObject(m.config) || !isObject(m.weights) || typeof m.weights.sha256 !== 'string') {
    throw new BundleError(file, 'manifest.json lacks config or weights');
  }
  const config = checkConfig(file, m.config);
  if (m.N !== config.N || m.gridsize !== config.gridsize) {
    throw new BundleError(
      file,
      `manifest.json is inconsistent: N ${m.N} and gridsize ${m.gridsize}, but its config has ${config.N} and ${config.gridsize}`,
    );
  }
  if (typeof m.inputScale !== 'number' || !(m.inputScale > 0) || !Number.isFinite(m.inputScale)) {
    throw new BundleError(file, `manifest.json: inputScale must be a positive number, got ${String(m.inputScale)}`);
  }
  return { ...m, config, backend: checkBackend(file, m.backend) } as BundleManifest;
}

/** The engine that trained the model: one this version knows, so that it can be run. */
function checkBackend(file: string, backend: unknown): BackendName {
  try {
    return coerceField('backend', backend, 'manifest.json');
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new BundleError(
        file,
        `manifest.json: ${error.message}; this ptychopinn runs models of the libtorch and tensorflow engines`,
      );
    }
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The manifest's config, each field checked as a config file's would be; fields this version does not know are kept. */
function checkConfig(file: string, raw: Record<string, unknown>): ReconstructorConfig {
  try {
    const config: Record<string, unknown> = { ...DEFAULT_CONFIG, ...raw };
    for (const [key, value] of Object.entries(raw)) {
      if (isConfigField(key)) config[key] = coerceField(key, value, 'manifest.json');
    }
    return validateConfig(config as unknown as ReconstructorConfig);
  } catch (error) {
    if (error instanceof ConfigError) throw new BundleError(file, `manifest.json: ${error.message}`);
    throw error;
  }
}

/** The probe tensor the model is rebuilt from must match the manifest's N, and every weight be finite. */
function checkState(file: string, manifest: BundleManifest, state: StateDict): StateDict {
  const probe = state.probe;
  const N = manifest.N;
  if (!probe || probe.shape.length !== 3 || probe.shape[0] !== N || probe.shape[1] !== N || probe.shape[2] !== 2) {
    throw new BundleError(
      file,
      `${WEIGHTS}: tensor 'probe' has shape ${probe ? JSON.stringify(probe.shape) : '(missing)'}; ` +
        `a model with N = ${N} needs [${N}, ${N}, 2]`,
    );
  }
  for (const [name, tensor] of Object.entries(state)) {
    const bad = tensor.data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new BundleError(
        file,
        `${WEIGHTS}: tensor '${name}' holds ${tensor.data[bad]} at flat index ${bad}; the model's training ` +
          'diverged, so it cannot reconstruct anything: retrain it (a lower learning_rate helps)',
      );
    }
  }
  return state;
}

/** Reads only the manifest (for `inspect`). */
export async function readManifest(file: string): Promise<BundleManifest> {
  const zip = await openZip(file);
  try {
    return parseManifest(file, await readMember(zip, MANIFEST));
  } finally {
    zip.close();
  }
}

/** Reads and verifies a bundle: format version, weights checksum, tensor layout. */
export async function readBundle(file: string): Promise<{ manifest: BundleManifest; state: StateDict }> {
  const zip = await openZip(file);
  try {
    const manifest = parseManifest(file, await readMember(zip, MANIFEST));
    const weights = await readMember(zip, WEIGHTS);
    const actual = sha256(weights);
    if (actual !== manifest.weights.sha256) {
      throw new BundleError(
        file,
        `weights checksum mismatch (manifest ${manifest.weights.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…): the bundle is corrupt`,
      );
    }
    return { manifest, state: checkState(file, manifest, decodeSafetensors(weights, `${file}: ${WEIGHTS}`)) };
  } finally {
    zip.close();
  }
}

async function openZip(file: string): Promise<ZipReader> {
  try {
    return await ZipReader.open(file);
  } catch (error) {
    throw new BundleError(file, `cannot be read as a model bundle (${(error as Error).message})`);
  }
}

function parseManifest(file: string, bytes: Uint8Array): BundleManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new BundleError(file, `manifest.json is not JSON (${(error as Error).message})`);
  }
  return checkManifest(file, parsed);
}
