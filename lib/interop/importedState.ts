// The state dict an engine loads for an imported model: every network weight from
// the file (shapes checked against the engine's own, naming the file's layer), the
// engine's buffers, log_scale from the trained intensity scale and the probe the
// model was built with.
import type { StateDict } from '../native/binding';
import { type ImportedModel, ModelImportError } from './importedModel';

/** `engine` is a freshly built model's state dict: the names and shapes to fill. */
export function importedState(imported: ImportedModel, engine: StateDict, file: string): StateDict {
  const state: StateDict = { ...engine };
  for (const [name, tensor] of Object.entries(imported.network)) {
    const expected = engine[name];
    const same =
      expected &&
      expected.shape.length === tensor.shape.length &&
      expected.shape.every((n, i) => n === tensor.shape[i]);
    if (!same) {
      throw new ModelImportError(
        `${file}: ${imported.origins[name]} has shape [${tensor.shape}], but ptychopinn's network ` +
          `(N = ${imported.config.N}, gridsize ${imported.config.gridsize}, n_filters_scale ${imported.config.n_filters_scale}) ` +
          `needs ${expected ? `[${expected.shape}]` : 'no such layer'} for ${name}: this PtychoPINN architecture ` +
          'variant cannot be imported',
      );
    }
    state[name] = tensor;
  }
  const missing = Object.keys(engine).filter(
    (name) => name.startsWith('network.') && !name.endsWith('outer_mask') && !(name in imported.network),
  );
  if (missing.length > 0) {
    throw new ModelImportError(
      `${file} has no weights for ptychopinn's ${missing.join(', ')}: the architecture differs`,
    );
  }
  state.log_scale = { dtype: 'float32', shape: [1], data: Float32Array.of(Math.log(imported.intensityScale)) };
  return state;
}
