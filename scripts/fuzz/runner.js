// One fuzzing process, forked by scripts/fuzz.js: it builds case i's damaged input
// from the seed, runs it through the readers a service or the CLI uses, and reports
// how that ended. A crash or a hang kills only this process; the parent records it
// and forks another.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { buffer } = require('node:stream/consumers');
const yazl = require('yazl');

const dist = path.join(__dirname, '..', '..', 'dist', 'lib');
const { readManifest } = require(path.join(dist, 'bundle', 'bundle'));
const { datasetFromArrays, DATASET_KEYS } = require(path.join(dist, 'data', 'contract'));
const { readNpz, readNpzBuffer } = require(path.join(dist, 'io', 'npz'));
const { addon, tensorflowAddon } = require(path.join(dist, 'native'));
const { ZipReader } = require(path.join(dist, 'io', 'zipReader'));
const { Rng } = require(path.join(dist, 'random', 'rng'));
const { Reconstructor } = require(path.join(dist, 'workflow', 'Reconstructor'));
const { mutate } = require('./mutate');

const ALL_TARGETS = [
  'npz-stored',
  'npz-deflated',
  'npz-member-stored',
  'npz-member-deflated',
  'bundle',
  'bundle-manifest',
  'bundle-weights',
  // PtychoPINN's model files (ptychopinn import): whole archives, and the pickles inside.
  'ckpt',
  'ckpt-pickle',
  'h5zip',
  'h5zip-params',
];
const PTYCHOPINN = path.join(__dirname, '..', '..', 'fixtures', 'ptychopinn');
const CKPT = path.join(PTYCHOPINN, 'lightning', 'model.ckpt');
const CKPT_PROBE = path.join(PTYCHOPINN, 'lightning', 'probe.npz');
const H5ZIP = path.join(PTYCHOPINN, 'tensorflow', 'wts.h5.zip');

const LIBRARY_ERRORS = new Set([
  'BundleError',
  'ConfigError',
  'DatasetError',
  'Hdf5Error',
  'ModelImportError',
  'NpyFormatError',
  'NpzSizeError',
  'PickleError',
  'SafetensorsError',
  'TorchArchiveError',
  'WorkflowError',
  'ZipFormatError',
]);

/** 'clean' for an error the library means a user to read; otherwise what went wrong. */
function classify(error) {
  if (!(error instanceof Error)) return `non-Error throw (${typeof error})`;
  if (!error.message) return `${error.name} without a message`;
  if (LIBRARY_ERRORS.has(error.name)) return 'clean';
  // The addon's argument errors are TypeErrors (or Errors) whose message starts with
  // the argument's name: "stateDict.network.x: expected shape …". Engine errors
  // ("Cannot read properties of undefined") do not.
  const native = error.constructor === TypeError || error.constructor === Error;
  return native && /^[\w.]+: \S/.test(error.message) ? 'clean' : error.name;
}

async function members(file) {
  const zip = await ZipReader.open(file);
  const out = new Map();
  for (const entry of zip.entries) out.set(entry.fileName, new Uint8Array(await zip.read(entry, () => 'read')));
  zip.close();
  return out;
}

async function zipOf(entries, compress) {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of entries) zip.addBuffer(Buffer.from(bytes), name, { compress: compress(name) });
  zip.end();
  return buffer(zip.outputStream);
}

/** Damages one member and rebuilds a valid archive around it. */
async function withMember(rng, all, compress, adjust = (entries) => entries) {
  const names = [...all.keys()];
  const name = names[rng.int(names.length)];
  const { bytes, what } = mutate(rng, all.get(name));
  const entries = adjust(new Map(all).set(name, bytes), name);
  return { bytes: await zipOf(entries, compress), what: `${name}: ${what}` };
}

/** The manifest's checksum of the damaged weights, so that they reach the decoder. */
function resign(entries, name) {
  if (name !== 'weights.safetensors') return entries;
  const weights = entries.get(name);
  const manifest = JSON.parse(new TextDecoder().decode(entries.get('manifest.json')));
  manifest.weights.sha256 = createHash('sha256').update(weights).digest('hex');
  manifest.weights.bytes = weights.length;
  return new Map(entries).set('manifest.json', Buffer.from(JSON.stringify(manifest)));
}

async function readDataset(bytes, file, index) {
  // Alternately from memory (a service's request body) and from a file (the CLI).
  const contents =
    index % 2
      ? await readNpzBuffer(Buffer.from(bytes), 'fuzz.npz', { keys: DATASET_KEYS })
      : (fs.writeFileSync(file, bytes), await readNpz(file, { keys: DATASET_KEYS }));
  datasetFromArrays(contents);
}

async function openModel(bytes, file, backend) {
  fs.writeFileSync(file, bytes);
  await readManifest(file);
  const reconstructor = await Reconstructor.openModel(file, { device: 'cpu', backend });
  reconstructor.dispose();
}

async function importModel(bytes, file, backend) {
  fs.writeFileSync(file, bytes);
  const reconstructor = await Reconstructor.importModel(file, { device: 'cpu', backend, probe: CKPT_PROBE });
  reconstructor.dispose();
}

async function main() {
  const [dir, seedText, backend, targetList] = process.argv.slice(2);
  const seed = Number(seedText);
  const targets = targetList ? targetList.split(',') : ALL_TARGETS;
  const unknown = targets.filter((target) => !ALL_TARGETS.includes(target));
  if (unknown.length) throw new Error(`unknown fuzz targets ${unknown}; known: ${ALL_TARGETS}`);
  const npz = { stored: path.join(dir, 'data-stored.npz'), deflated: path.join(dir, 'data-deflated.npz') };
  const bundleFile = path.join(dir, 'model.ptpinn');
  const base = {
    npz: { stored: fs.readFileSync(npz.stored), deflated: fs.readFileSync(npz.deflated) },
    npzMembers: await members(npz.stored),
    bundle: fs.readFileSync(bundleFile),
    bundleMembers: await members(bundleFile),
    ckpt: fs.readFileSync(CKPT),
    ckptMembers: await members(CKPT),
    h5zip: fs.readFileSync(H5ZIP),
    h5zipMembers: await members(H5ZIP),
  };
  const scratch = {
    npz: path.join(dir, `case-${process.pid}.npz`),
    bundle: path.join(dir, `case-${process.pid}.ptpinn`),
    ckpt: path.join(dir, `case-${process.pid}.ckpt`),
    h5zip: path.join(dir, `case-${process.pid}.h5.zip`),
  };
  const only = (all, name) => new Map([[name, all.get(name)]]);
  const pickleOf = (all) => [...all.keys()].find((name) => name.endsWith('/data.pkl'));
  const bundleCompress = (name) => name === 'manifest.json';

  const inputs = {
    'npz-stored': (rng) => mutate(rng, base.npz.stored),
    'npz-deflated': (rng) => mutate(rng, base.npz.deflated),
    'npz-member-stored': (rng) => withMember(rng, base.npzMembers, () => false),
    'npz-member-deflated': (rng) => withMember(rng, base.npzMembers, () => true),
    bundle: (rng) => mutate(rng, base.bundle),
    'bundle-manifest': (rng) =>
      withMember(
        rng,
        new Map([['manifest.json', base.bundleMembers.get('manifest.json')]]),
        bundleCompress,
        (entries) => new Map(entries).set('weights.safetensors', base.bundleMembers.get('weights.safetensors')),
      ),
    'bundle-weights': (rng) =>
      withMember(
        rng,
        new Map([['weights.safetensors', base.bundleMembers.get('weights.safetensors')]]),
        bundleCompress,
        (entries, name) =>
          resign(new Map([['manifest.json', base.bundleMembers.get('manifest.json')], ...entries]), name),
      ),
    ckpt: (rng) => mutate(rng, base.ckpt),
    // torch.save stores members uncompressed.
    'ckpt-pickle': (rng) =>
      withMember(
        rng,
        only(base.ckptMembers, pickleOf(base.ckptMembers)),
        () => false,
        (entries) => new Map([...base.ckptMembers, ...entries]),
      ),
    h5zip: (rng) => mutate(rng, base.h5zip),
    'h5zip-params': (rng) =>
      withMember(
        rng,
        only(base.h5zipMembers, 'diffraction_to_obj/params.dill'),
        () => true,
        (entries) => new Map([...base.h5zipMembers, ...entries]),
      ),
  };

  process.on('message', async ({ index }) => {
    const target = targets[index % targets.length];
    const rng = new Rng((seed * 1_000_003 + index) >>> 0);
    const { bytes, what } = await inputs[target](rng);
    process.send({ started: index, target, what });
    let outcome = 'ok';
    let message;
    try {
      if (target.startsWith('npz')) await readDataset(bytes, scratch.npz, index);
      else if (target.startsWith('ckpt')) await importModel(bytes, scratch.ckpt, backend);
      else if (target.startsWith('h5zip')) await importModel(bytes, scratch.h5zip, backend);
      else await openModel(bytes, scratch.bundle, backend);
    } catch (error) {
      outcome = classify(error);
      message = error instanceof Error ? error.message : String(error);
    }
    process.send({ index, target, what, outcome, message });
  });
  // The engines load in seconds: before the first case's clock starts.
  addon();
  if (backend === 'tensorflow') tensorflowAddon();
  process.send({ ready: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
