// model.ptpinn: round trip, and every refusal produced from a real bad file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';

import { readBundle, readManifest, writeBundle } from '../lib/bundle/bundle';
import { DEFAULT_CONFIG } from '../lib/config/schema';
import type { EngineModel } from '../lib/backends/engine';
import { createModel } from './helpers/model';
import type { JsTensor } from '../lib/native/binding';
import { runCli } from './helpers/cli';
import { manifestFields } from './helpers/manifest';

const N = 32;
const probe: JsTensor = {
  dtype: 'complex64',
  shape: [N, N],
  data: Float32Array.from({ length: N * N * 2 }, (_, i) => (i % 2 ? 0 : 0.01 * (1 + (i % 7)))),
};
const config = { ...DEFAULT_CONFIG, N, n_filters_scale: 1 };
const fields = manifestFields(config, 12.5);

function tempFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-bundle-')), name);
}

async function zipOf(file: string, members: Record<string, Uint8Array | string>): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(members)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(file));
}

async function validBundle(): Promise<{ file: string; model: EngineModel }> {
  const model = createModel({ N, n_filters_scale: 1, seed: 9 }, probe);
  const file = tempFile('model.ptpinn');
  await writeBundle(file, fields, model.stateDict());
  return { file, model };
}

describe('model bundle', () => {
  it('round-trips weights bit for bit and records the manifest', async () => {
    const { file, model } = await validBundle();
    const { manifest, state } = await readBundle(file);
    expect(manifest.formatVersion).toBe(1);
    expect(manifest.backend).toBe('libtorch');
    expect(manifest.config).toEqual(config);
    expect(manifest.intensityScale).toBe(12.5);
    expect(manifest.weights.sha256).toMatch(/^[0-9a-f]{64}$/);
    const fresh = createModel({ N, n_filters_scale: 1, seed: 1 }, probe);
    fresh.loadStateDict(state);
    const x: JsTensor = {
      dtype: 'float32',
      shape: [2, 1, N, N],
      data: Float32Array.from({ length: 2 * N * N }, Math.random),
    };
    const [a, b] = await Promise.all([model.infer(x), fresh.infer(x)]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['model.ptpinn']); // no temporary left behind
  });

  it('refuses a newer format version', async () => {
    const { file } = await validBundle();
    const { manifest } = await readBundle(file);
    const newer = tempFile('newer.ptpinn');
    const weights = await readWeights(file);
    await zipOf(newer, {
      'manifest.json': JSON.stringify({ ...manifest, formatVersion: 2 }),
      'weights.safetensors': weights,
    });
    await expect(readBundle(newer)).rejects.toThrow(
      /bundle format version 2 is newer than this ptychopinn reads \(1\); upgrade/,
    );
  });

  it('refuses weights whose checksum does not match the manifest', async () => {
    const { file } = await validBundle();
    const { manifest } = await readBundle(file);
    const weights = await readWeights(file);
    weights[weights.length - 1] ^= 0xff;
    const tampered = tempFile('tampered.ptpinn');
    await zipOf(tampered, { 'manifest.json': JSON.stringify(manifest), 'weights.safetensors': weights });
    await expect(readBundle(tampered)).rejects.toThrow(/weights checksum mismatch .*the bundle is corrupt/);
  });

  it('refuses truncated, garbled and foreign files', async () => {
    const { file } = await validBundle();
    const bytes = fs.readFileSync(file);
    const truncated = tempFile('truncated.ptpinn');
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readBundle(truncated)).rejects.toThrow(/truncated\.ptpinn: cannot be read as a model bundle/);
    const garbled = tempFile('garbled.ptpinn');
    fs.writeFileSync(garbled, Buffer.from('PK\u0003\u0004 this is not really a zip'));
    await expect(readBundle(garbled)).rejects.toThrow(/garbled\.ptpinn: cannot be read as a model bundle/);
    const foreign = tempFile('foreign.zip');
    await zipOf(foreign, { 'manifest.json': '{"format":"something-else"}' });
    await expect(readBundle(foreign)).rejects.toThrow(/not a ptychopinn model bundle/);
    const noWeights = tempFile('noweights.ptpinn');
    await zipOf(noWeights, { 'readme.txt': 'hello' });
    await expect(readManifest(noWeights)).rejects.toThrow(/not a model bundle: it has no manifest\.json/);
  });

  it('is printed by `ptychopinn inspect`', async () => {
    const { file } = await validBundle();
    const run = runCli(['inspect', file]);
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.backend).toBe('libtorch');
    expect(printed.config.N).toBe(N);
    const bad = runCli(['inspect', path.join(os.tmpdir(), 'does-not-exist.ptpinn')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/does-not-exist\.ptpinn: cannot be read as a model bundle/);
  });
});

async function readWeights(file: string): Promise<Uint8Array> {
  const { ZipReader } = await import('../lib/io/zipReader');
  const zip = await ZipReader.open(file);
  const entry = zip.entries.find((e) => e.fileName === 'weights.safetensors')!;
  const bytes = new Uint8Array((await zip.read(entry, () => 'read'))!);
  zip.close();
  return bytes;
}
