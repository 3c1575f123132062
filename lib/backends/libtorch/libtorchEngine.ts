// The LibTorch engine: the ptychopinn.node addon.
import { addon } from '../../native';
import type { Availability, Engine, EngineModel, ModelSpec } from '../engine';
import { LibTorchModel } from './LibTorchModel';

export const libtorchEngine: Engine = {
  name: 'libtorch',
  availability(): Availability {
    try {
      addon();
      return { available: true };
    } catch (error) {
      return {
        available: false,
        missing: `the LibTorch addon does not load (${(error as Error).message.split('\n')[0]})`,
        install: 'run `ptychopinn doctor` for the cause and its fix',
      };
    }
  },
  createModel(spec: ModelSpec): EngineModel {
    return new LibTorchModel(spec);
  },
};
