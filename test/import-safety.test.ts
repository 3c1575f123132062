// Model files are data: a pickle that names code is refused before anything is
// built, and nothing runs; truncated or corrupted model files give errors that name
// the file and what is wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';

import { readPickle } from '../lib/io/pickle';
import { DATA_GLOBALS } from '../lib/io/pickleDataTypes';
import { Reconstructor } from '../lib/workflow/Reconstructor';
import { runCli } from './helpers/cli';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ptychopinn');
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-import-safety-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const marker = path.join(folder, 'pwned');
const ascii = (text: string) => Buffer.from(text, 'latin1');

/** pickle.dumps of a __reduce__ returning (os.system, ('touch <marker>',)), protocol 2. */
function systemCallPickle(): Buffer {
  const command = ascii(`touch ${marker}`);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(command.length);
  return Buffer.concat([ascii('\x80\x02cos\nsystem\nq\x00X'), length, command, ascii('q\x01\x85q\x02Rq\x03.')]);
}

/** The same call reached through STACK_GLOBAL (protocol 4), as builtins.eval. */
function stackGlobalEval(): Buffer {
  const short = (text: string) => Buffer.concat([Buffer.of(0x8c, text.length), ascii(text)]);
  return Buffer.concat([
    Buffer.of(0x80, 4),
    short('builtins'),
    short('eval'),
    Buffer.of(0x93),
    short('1+1'),
    Buffer.of(0x85, 0x52, 0x2e),
  ]);
}

/** pickle.dumps({'a': [1, 2.5, 'x'], 'b': True}, protocol=2) */
function plainPickle(): Buffer {
  return Buffer.from(
    '80027d71002858010000006171015d7102284b01474004000000000000580100000078710365580100000062710488752e',
    'hex',
  );
}

async function zipOf(file: string, members: Record<string, Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of Object.entries(members)) zip.addBuffer(bytes, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  fs.writeFileSync(file, Buffer.concat(chunks));
  return file;
}

describe('the restricted pickle reader', () => {
  it('refuses GLOBAL os.system with REDUCE, naming it, and runs nothing', () => {
    expect(() => readPickle(systemCallPickle(), { where: 'crafted.pkl', globals: DATA_GLOBALS })).toThrow(
      /crafted\.pkl \(pickle byte 2\) refers to the Python global 'os\.system', which is not on the allowlist.*nothing was executed/,
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses STACK_GLOBAL builtins.eval', () => {
    expect(() => readPickle(stackGlobalEval(), { where: 'eval.pkl', globals: DATA_GLOBALS })).toThrow(
      /'builtins\.eval', which is not on the allowlist/,
    );
  });

  it('refuses protocol 0 class instances (INST) and truncation', () => {
    expect(() => readPickle(ascii('(ios\nsystem\nS"id"\n.'), { where: 'inst.pkl', globals: DATA_GLOBALS })).toThrow(
      /INST\/OBJ/,
    );
    expect(() => readPickle(plainPickle().subarray(0, 30), { where: 'cut.pkl', globals: DATA_GLOBALS })).toThrow(
      /cut\.pkl.*truncated/,
    );
  });

  it('reads plain data: dicts, lists, numbers, strings, booleans', () => {
    // pickle.dumps({'a': [1, 2.5, 'x'], 'b': True}, protocol=2)
    const value = readPickle(plainPickle(), { where: 'plain.pkl', globals: DATA_GLOBALS });
    expect(value).toEqual(
      new Map<unknown, unknown>([
        ['a', [1, 2.5, 'x']],
        ['b', true],
      ]),
    );
  });
});

describe('importing hostile or damaged model files', () => {
  it('refuses a checkpoint whose pickle would run code, and runs nothing', async () => {
    const ckpt = await zipOf(path.join(folder, 'evil.ckpt'), {
      'archive/data.pkl': systemCallPickle(),
      'archive/byteorder': ascii('little'),
    });
    await expect(Reconstructor.importModel(ckpt)).rejects.toThrow(
      /evil\.ckpt: archive\/data\.pkl \(pickle byte 2\) refers to the Python global 'os\.system'/,
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('refuses a wts.h5.zip whose params.dill would run code', async () => {
    const model = await zipOf(path.join(folder, 'evil.h5.zip'), {
      'diffraction_to_obj/params.dill': systemCallPickle(),
      'diffraction_to_obj/model.keras': Buffer.alloc(0),
    });
    await expect(Reconstructor.importModel(model)).rejects.toThrow(/params\.dill .*'os\.system'.*nothing was executed/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it.each([
    ['lightning/model.ckpt', 'model.ckpt'],
    ['tensorflow/wts.h5.zip', 'wts.h5.zip'],
  ])('gives a clear error for a truncated %s', async (fixture, name) => {
    const bytes = fs.readFileSync(path.join(FIXTURES, fixture));
    const truncated = path.join(folder, `truncated-${name}`);
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
    await expect(Reconstructor.importModel(truncated)).rejects.toThrow(/truncated-.*(not|corrupt|truncated)/);
  });

  it('gives a clear error for a corrupted model.keras inside wts.h5.zip (CRC mismatch)', async () => {
    const bytes = Buffer.from(fs.readFileSync(path.join(FIXTURES, 'tensorflow', 'wts.h5.zip')));
    // A quarter in: the deflated data of diffraction_to_obj/model.keras, the member read.
    bytes[bytes.length >> 2] ^= 0xff;
    const corrupted = path.join(folder, 'corrupted.h5.zip');
    fs.writeFileSync(corrupted, bytes);
    await expect(Reconstructor.importModel(corrupted)).rejects.toThrow(/corrupted\.h5\.zip: .*corrupt/);
  });

  it('asks for the probe a Lightning checkpoint lacks', async () => {
    await expect(Reconstructor.importModel(path.join(FIXTURES, 'lightning', 'model.ckpt'))).rejects.toThrow(
      /holds no probe.*--probe data\.npz/,
    );
  });
});

describe('ptychopinn import', () => {
  it('writes a bundle from a Lightning checkpoint and prints its source', () => {
    const output = path.join(folder, 'imported.ptpinn');
    const run = runCli([
      'import',
      path.join(FIXTURES, 'lightning', 'model.ckpt'),
      '--probe',
      path.join(FIXTURES, 'lightning', 'probe.npz'),
      '-o',
      output,
    ]);
    expect(run.stderr).not.toMatch(/ptychopinn:/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      output,
      N: 64,
      gridsize: 2,
      importedFrom: { format: 'ptychopinn-lightning' },
    });
    expect(fs.statSync(output).size).toBeGreaterThan(1e6);
  });

  it('fails with the reason for a file that is no model', () => {
    const text = path.join(folder, 'notes.txt');
    fs.writeFileSync(text, 'not a model');
    const run = runCli(['import', text, '-o', path.join(folder, 'x.ptpinn')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /notes\.txt is neither a PtychoPINN TensorFlow model \(wts\.h5\.zip\) nor a Lightning checkpoint/,
    );
  });
});
