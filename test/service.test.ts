// The example service (examples/service) through fastify's inject and, for graceful
// close, a real socket: responses, error statuses and messages, and a request in
// flight that outlives close().
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { limiter } from '../examples/service/limiter';
import { buildService } from '../examples/service/service';
import { datasetFromArrays } from '../lib/data/contract';
import { loadDataset } from '../lib/data/datasetFile';
import type { NpyArray } from '../lib/io/ndarray';
import { npzBuffer, readNpz, readNpzBuffer } from '../lib/io/npz';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { repoRoot } from './helpers/cli';

const fixture = path.join(repoRoot, 'fixtures', 'lines-n32.npz');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-service-'));
const modelPath = path.join(dir, 'model.ptpinn');
const bodyLimit = 256 * 1024;
const maxArrayBytes = 1024 * 1024;
const M = 24;

type Service = Awaited<ReturnType<typeof buildService>>;
let app: Service;
/** The first M patterns of the fixture: what a client posts. */
let scan: Record<string, NpyArray>;
let body: Buffer;

function firstPatterns(arrays: Map<string, NpyArray>, count: number): Record<string, NpyArray> {
  const take = (key: string, perItem: number): NpyArray => {
    const array = arrays.get(key)!;
    return {
      ...array,
      shape: [count, ...array.shape.slice(1)],
      data: array.data.slice(0, count * perItem),
    } as NpyArray;
  };
  return {
    diff3d: take('diff3d', 32 * 32),
    probeGuess: arrays.get('probeGuess')!,
    xcoords: take('xcoords', 1),
    ycoords: take('ycoords', 1),
  };
}

function post(payload: Buffer | string, headers: Record<string, string> = {}, query = '') {
  return app.inject({
    method: 'POST',
    url: `/reconstruct${query}`,
    payload,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}

beforeAll(async () => {
  // A barely trained model is enough: the service's behaviour, not the image, is tested.
  const trainer = Reconstructor.create({ N: 32, n_filters_scale: 1, nepochs: 1, n_groups: 16, seed: 1 }, {});
  await trainer.train(await loadDataset(fixture));
  await trainer.saveModel(modelPath);
  trainer.dispose();
  scan = firstPatterns((await readNpz(fixture)).arrays, M);
  body = await npzBuffer(scan);
  app = await buildService({ modelPath, bodyLimit, maxArrayBytes });
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('example service: routes', () => {
  it('GET /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /info: capabilities, the model and the limits', async () => {
    const info = (await app.inject({ method: 'GET', url: '/info' })).json();
    expect(info.capabilities.libtorch.version).toMatch(/^\d+\.\d+/);
    expect(info.capabilities.threads.intraOp).toBeGreaterThanOrEqual(1);
    expect(info.model).toMatchObject({
      file: 'model.ptpinn',
      backend: 'libtorch',
      N: 32,
      gridsize: 1,
      nFiltersScale: 1,
      trainedEpochs: 1,
    });
    expect(info.model.finalLoss).toEqual(expect.any(Number));
    expect(info.limits).toEqual({ bodyLimit, maxArrayBytes });
  });

  it('POST /reconstruct answers the NPZ that ptychopinn infer writes, equal to the library result', async () => {
    const response = await post(body);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['server-timing']).toMatch(/^infer;dur=[\d.]+, stitch;dur=[\d.]+, refine;dur=[\d.]+$/);
    const { arrays } = await readNpzBuffer(response.rawPayload, 'response');
    expect([...arrays.keys()].sort()).toEqual([
      'amplitude',
      'backend',
      'network_object',
      'object',
      'origin',
      'phase',
      'positions',
      'r_factor',
      'trained_backend',
    ]);

    const reconstructor = await Reconstructor.openModel(modelPath);
    const direct = await reconstructor.reconstruct(
      datasetFromArrays({ file: 'scan', arrays: new Map(Object.entries(scan)), skipped: [] }),
    );
    reconstructor.dispose();
    const shape = [direct.height, direct.width];
    expect(arrays.get('object')).toMatchObject({ dtype: 'complex64', shape });
    expect(arrays.get('amplitude')).toEqual({ dtype: 'float32', shape, data: direct.amplitude });
    expect(arrays.get('phase')).toEqual({ dtype: 'float32', shape, data: direct.phase });
    expect(arrays.get('origin')).toEqual({ dtype: 'float64', shape: [2], data: Float64Array.from(direct.origin) });
    const positions = arrays.get('positions')!;
    expect(positions.shape).toEqual([M, 2]);
    expect(Array.from(positions.data as Float64Array).slice(0, 4)).toEqual([
      scan.xcoords.data[0],
      scan.ycoords.data[0],
      scan.xcoords.data[1],
      scan.ycoords.data[1],
    ]);
    expect(arrays.get('backend')).toEqual({ dtype: 'str', shape: [], data: ['libtorch'] });
  });

  it('POST /reconstruct with Accept: image/png answers the amplitude figure', async () => {
    const response = await post(body, { accept: 'image/png' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { arrays } = await readNpzBuffer((await post(body)).rawPayload, 'response');
    const [height, width] = arrays.get('amplitude')!.shape;
    // imageFigure: the longer side drawn 360 units long at 2 px a unit, inside its axes, title and colour bar.
    const pixelsPerObjectPixel = (2 * 360) / Math.max(height, width);
    const png = PNG.sync.read(bytes);
    expect(png.width).toBeGreaterThan(width * pixelsPerObjectPixel);
    expect(png.height).toBeGreaterThan(height * pixelsPerObjectPixel);
  });

  it('unknown routes answer 404 in the same JSON shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'Not Found', message: 'no route GET /nope' });
  });
});

describe('example service: bad input', () => {
  async function expectError(response: Awaited<ReturnType<typeof post>>, status: number, message: RegExp) {
    expect(response.statusCode).toBe(status);
    const json = response.json();
    expect(Object.keys(json).sort()).toEqual(['error', 'message']);
    expect(json.message).toMatch(message);
  }

  it('400 for an empty body', async () => {
    await expectError(await post(''), 400, /request body is empty/);
  });

  it('400 for a body that is not an NPZ', async () => {
    await expectError(await post('just some text'), 400, /^request body is not a readable NPZ \(zip\) archive/);
  });

  it('400 for an NPZ whose member is not a valid .npy array', async () => {
    // Stored, so the .npy magic is in the body as is; the CRC-32 is then wrong too, and
    // whichever the reader notices first, the message names the member.
    const bytes = await npzBuffer({ diff3d: scan.diff3d }, { compress: false });
    bytes.write('XXXXXX', bytes.indexOf('\x93NUMPY', 0, 'latin1'), 'latin1');
    await expectError(await post(bytes), 400, /request body: key 'diff3d'/);
  });

  it('413 for a body over bodyLimit, naming the limit', async () => {
    await expectError(await post(Buffer.alloc(bodyLimit + 1)), 413, /larger than the 262144 bytes allowed/);
  });

  it('413 for a small body whose arrays inflate beyond maxArrayBytes', async () => {
    const zeros: NpyArray = { dtype: 'float32', shape: [1024, 1024], data: new Float32Array(1024 * 1024) };
    const bomb = await npzBuffer({ ...scan, diff3d: zeros });
    expect(bomb.length).toBeLessThan(bodyLimit);
    await expectError(await post(bomb), 413, /uncompressed, more than the 1048576 allowed/);
  });

  it('415 for another content type, naming the accepted ones', async () => {
    await expectError(await post('{}', { 'content-type': 'application/json' }), 415, /application\/json/);
    await expectError(
      await post(body, { 'content-type': 'text/plain' }),
      415,
      /^Content-Type text\/plain is not accepted: send the NPZ as application\/octet-stream or application\/x-npz$/,
    );
  });

  it('422 for an NPZ without positions, naming the missing key', async () => {
    const { xcoords: _, ...rest } = scan;
    await expectError(await post(await npzBuffer(rest)), 422, /request body has no key 'xcoords'/);
  });

  it("422 for patterns of another size than the model's N", async () => {
    const wide = {
      diff3d: { dtype: 'float32', shape: [4, 64, 64], data: new Float32Array(4 * 64 * 64).fill(1.5) },
      probeGuess: { dtype: 'complex64', shape: [64, 64], data: new Float32Array(2 * 64 * 64).fill(1) },
      xcoords: { dtype: 'float64', shape: [4], data: Float64Array.from([40, 44, 40, 44]) },
      ycoords: { dtype: 'float64', shape: [4], data: Float64Array.from([40, 40, 44, 44]) },
    } satisfies Record<string, NpyArray>;
    await expectError(await post(await npzBuffer(wide)), 422, /patterns are 64×64 but the model's N is 32/);
  });

  it('422 for integer-valued data without inputKind, and 400 for an unknown inputKind', async () => {
    const counts = { ...scan, diff3d: { ...scan.diff3d, data: (scan.diff3d.data as Float32Array).map(Math.round) } };
    const countsBody = await npzBuffer(counts as Record<string, NpyArray>);
    await expectError(await post(countsBody), 422, /key 'diff3d' looks like intensities or counts.*pass inputKind/);
    expect((await post(countsBody, {}, '?inputKind=counts')).statusCode).toBe(200);
    await expectError(await post(countsBody, {}, '?inputKind=photons'), 400, /inputKind must be equal to one of/);
  });

  it('keeps serving after bad requests', async () => {
    expect((await post(body)).statusCode).toBe(200);
  });
});

describe('example service: graceful close', () => {
  it('finishes a request in flight, then disposes the model', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const service = await buildService({ modelPath, logger: { level: 'info', stream } });
    const address = await service.listen({ host: '127.0.0.1', port: 0 });
    const response = fetch(`${address}/reconstruct`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    // Close only once the reconstruction is running.
    while ((await service.inject({ method: 'GET', url: '/metrics' })).json().inFlight === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const closed = service.close();
    const answer = await response;
    expect(answer.status).toBe(200);
    const { arrays } = await readNpzBuffer(Buffer.from(await answer.arrayBuffer()), 'response');
    expect(arrays.get('positions')!.shape).toEqual([M, 2]);
    await closed;
    await expect(fetch(`${address}/health`)).rejects.toThrow();
    const messages = lines.map((line) => JSON.parse(line).msg);
    expect(messages.indexOf('model disposed')).toBeGreaterThan(messages.indexOf('request completed'));
  });
});

describe('example service: limiter', () => {
  it('runs at most `limit` tasks at once, the others in arrival order', async () => {
    const run = limiter(2);
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, ms: number) =>
      run(async () => {
        running += 1;
        most = Math.max(most, running);
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        running -= 1;
        return name;
      });
    const results = await Promise.all([task('a', 30), task('b', 10), task('c', 5), task('d', 5)]);
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(most).toBe(2);
    expect(events).toEqual(['start a', 'start b', 'start c', 'start d']);
    await expect(run(async () => Promise.reject(new Error('failed task')))).rejects.toThrow('failed task');
    expect(await run(async () => 'after a failure')).toBe('after a failure');
  });
});
