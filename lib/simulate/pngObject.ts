// An object from PNG images: the grey level of one gives the amplitude (0 … 1), of an
// optional second one the phase, mapped linearly onto [−π, π].
import fs from 'node:fs';
import { PNG } from 'pngjs';

import { DatasetError } from '../data/errors';
import type { JsTensor } from '../native/binding';
import { fromAmplitudePhase } from './complexImage';

export function pngObject(amplitudeFile: string, phaseFile?: string): JsTensor {
  const amplitude = greyLevels(amplitudeFile);
  const phase = phaseFile ? greyLevels(phaseFile) : undefined;
  if (phase && (phase.width !== amplitude.width || phase.height !== amplitude.height)) {
    throw new DatasetError(
      `phase image ${phaseFile} is ${phase.width}×${phase.height} but amplitude image ${amplitudeFile} is ` +
        `${amplitude.width}×${amplitude.height}; they must be the same size`,
    );
  }
  return fromAmplitudePhase(
    amplitude.grey,
    phase?.grey.map((g) => Math.PI * (2 * g - 1)),
    amplitude.height,
    amplitude.width,
  );
}

function greyLevels(file: string): { grey: Float64Array; width: number; height: number } {
  let png: PNG;
  try {
    png = PNG.sync.read(fs.readFileSync(file));
  } catch (error) {
    throw new DatasetError(`cannot read PNG ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const grey = new Float64Array(png.width * png.height);
  for (let k = 0; k < grey.length; k += 1) {
    const [r, g, b] = [png.data[4 * k], png.data[4 * k + 1], png.data[4 * k + 2]];
    grey[k] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
  }
  return { grey, width: png.width, height: png.height };
}
