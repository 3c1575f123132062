import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import type { ModelSpec } from '../lib/backends/engine';
import { BackendUnavailableError, listBackends, requireBackend, resolveBackendName } from '../lib/backends/registry';
import { tensorflowEngineFrom } from '../lib/backends/tensorflow/tensorflowEngine';
import { loadConfig } from '../lib/config/load';
import { ConfigError, DEFAULT_CONFIG } from '../lib/config/schema';
import { loadAddon, TENSORFLOW_ADDON } from '../lib/native/loader';

function write(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-config-')), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it("has PtychoPINN's dataclass defaults", () => {
    const { config } = loadConfig({ env: {} });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect([config.N, config.gridsize, config.nepochs, config.batch_size, config.probe_scale]).toEqual([
      64, 1, 50, 16, 4,
    ]);
    expect([config.n_filters_scale, config.nll_weight, config.mae_weight, config.nphotons]).toEqual([2, 1, 0, 1e9]);
  });

  it('reads a PtychoPINN YAML config, mapping what has a meaning here and reporting the rest', () => {
    const file = write(
      'ptychopinn.yaml',
      [
        'model:',
        '  N: 128',
        '  gridsize: 2',
        '  model_type: pinn',
        'training:',
        '  nepochs: 3',
        '  n_images: 200',
        'stitch_crop_size: 32',
        'output_dir: out',
      ].join('\n'),
    );
    const { config, notes } = loadConfig({ file, env: {} });
    expect([config.N, config.gridsize, config.nepochs, config.n_groups, config.stitch_crop]).toEqual([
      128, 2, 3, 200, 32,
    ]);
    expect(notes).toContain(`${file} [training]: 'n_images' read as 'n_groups'`);
    expect(notes).toContain(`${file}: 'stitch_crop_size' read as 'stitch_crop'`);
    expect(notes).toContain(`${file} [model]: 'model_type' is not used by ptychopinn; ignored`);
    expect(notes).toContain(`${file}: 'output_dir' is not used by ptychopinn; ignored`);
  });

  it('lets the environment override the file and the command line override both', () => {
    const file = write('c.json', JSON.stringify({ device: 'cpu', backend: 'pytorch', nepochs: 7 }));
    const { config } = loadConfig({
      file,
      env: { PTYCHOPINN_DEVICE: 'auto' },
      overrides: { nepochs: '2', batch_size: undefined },
    });
    expect(config.device).toBe('auto');
    expect(config.backend).toBe('libtorch');
    expect(config.nepochs).toBe(2);
    expect(config.batch_size).toBe(16);
  });

  it('names the field, the value and the allowed range of a bad value', () => {
    expect(() => loadConfig({ env: {}, overrides: { N: 48 } })).toThrow(
      /N = 48 \(from command line\) is invalid: expected a power of two in \[32, 1024\]/,
    );
    expect(() => loadConfig({ env: {}, overrides: { gridsize: 0 } })).toThrow(
      /gridsize = 0 .* expected an integer in \[1, 8\]/,
    );
    expect(() => loadConfig({ env: {}, overrides: { amp_activation: 'tanh' } })).toThrow(
      /amp_activation = "tanh" .* expected one of sigmoid, swish, softplus, relu \(aliases: silu\)/,
    );
    expect(() => loadConfig({ env: {}, overrides: { nphotons: 0 } })).toThrow(/nphotons = 0 .* \(0, 1e\+30\]/);
    expect(() => loadConfig({ env: { PTYCHOPINN_DEVICE: 'gpu' } })).toThrow(
      /device = "gpu" \(from environment\) is invalid: expected cpu, cuda, cuda:N or auto/,
    );
    try {
      loadConfig({ env: {}, overrides: { gridsize: 2, neighbor_count: 3 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).field).toBe('neighbor_count');
    }
  });

  it('reports an unreadable or malformed file clearly', () => {
    expect(() => loadConfig({ file: '/nonexistent/c.yaml', env: {} })).toThrow(
      /cannot read config file \/nonexistent\/c\.yaml/,
    );
    expect(() => loadConfig({ file: write('bad.json', '{"N": '), env: {} })).toThrow(/bad\.json is not valid json/);
    expect(() => loadConfig({ file: write('list.yaml', '- 1\n- 2\n'), env: {} })).toThrow(/expected a mapping/);
  });
});

describe('backend dispatch', () => {
  it("accepts 'pytorch' and 'torch' as aliases of libtorch and lists valid values otherwise", () => {
    expect(resolveBackendName('pytorch')).toBe('libtorch');
    expect(resolveBackendName('torch')).toBe('libtorch');
    expect(resolveBackendName('LibTorch')).toBe('libtorch');
    expect(() => resolveBackendName('jax')).toThrow(/expected one of libtorch, tensorflow \(aliases: pytorch, torch\)/);
  });

  it('lists both engines and refuses one that does not load, saying what is missing and how to install', () => {
    expect(requireBackend('libtorch').name).toBe('libtorch');
    expect(listBackends().map((b) => b.name)).toEqual(['libtorch', 'tensorflow']);
    // The TensorFlow engine over an addon that was never built (an empty package folder).
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-no-tf-'));
    const engine = tensorflowEngineFrom(() => loadAddon(empty, TENSORFLOW_ADDON));
    const availability = engine.availability();
    expect(availability.available).toBe(false);
    if (availability.available) return;
    const error = new BackendUnavailableError('tensorflow', availability.missing, availability.install);
    expect(error.message).toMatch(
      /^backend 'tensorflow' is selected but not available: the TensorFlow addon does not load: no ptychopinn_tf\.node in .*\n {2}install: install TensorFlow \(python3 -m pip install tensorflow-cpu==2\.21\.0/,
    );
    expect(() => engine.createModel({} as ModelSpec)).toThrow(/the TensorFlow addon could not be loaded/);
  });
});
