// The figures: text really rasterised with the shipped font (no system fonts are
// loaded), labelled axes, legends and colour bars, and the comparison's metrics.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { evaluate } from '../lib/metrics';
import type { EpochRecord } from '../lib/native/binding';
import { comparisonFigure, type ComparedReconstruction } from '../lib/render/comparisonFigure';
import type { Figure } from '../lib/render/figure';
import { imageFigure } from '../lib/render/imageFigure';
import { lossFigure } from '../lib/render/lossFigure';
import { rasterize } from '../lib/render/rasterize';

/** Decodes the figure's PNG, which must have the size the figure reports. */
function decode(figure: Figure): PNG {
  const png = PNG.sync.read(figure.png);
  expect([png.width, png.height]).toEqual([figure.width, figure.height]);
  return png;
}

/** The same SVG with every text node emptied: the same layout, no glyphs. */
function withoutText(svg: string): string {
  return svg.replace(/>[^<]+</g, '><');
}

function differingPixels(a: Buffer, b: Buffer): number {
  const [x, y] = [PNG.sync.read(a), PNG.sync.read(b)];
  expect([x.width, x.height]).toEqual([y.width, y.height]);
  let count = 0;
  for (let i = 0; i < x.data.length; i += 4) {
    if (x.data.readUInt32BE(i) !== y.data.readUInt32BE(i)) count++;
  }
  return count;
}

/** Pixels within a few levels of `rgb`. */
function pixelsOfColour(png: PNG, rgb: [number, number, number], tolerance = 6): number {
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (rgb.every((c, k) => Math.abs(png.data[i + k] - c) <= tolerance)) count++;
  }
  return count;
}

async function expectTextDrawn(figure: Figure): Promise<void> {
  // Glyphs cover thousands of pixels at 2 px per unit; a missing font draws none.
  expect(differingPixels(figure.png, (await rasterize(withoutText(figure.svg))).png)).toBeGreaterThan(2000);
}

function history(epochs: number, validation: boolean): EpochRecord[] {
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    loss: 2 * Math.exp(-i / 3) + 0.1,
    nll: 0,
    mae: 0,
    ...(validation ? { validationLoss: 2.2 * Math.exp(-i / 3.5) + 0.15 } : {}),
    learningRate: i < 4 ? 1e-3 : 5e-4,
    seconds: 1,
    patternsPerSecond: 100,
  }));
}

describe('text in figures', () => {
  it('is rasterised with the shipped font, whatever the system has', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="22">epoch π</text></svg>';
    expect(differingPixels((await rasterize(svg)).png, (await rasterize(withoutText(svg))).png)).toBeGreaterThan(100);
  });
});

describe('loss.png', () => {
  it('has a title, labelled axes, training and validation curves, the learning rate and a legend', async () => {
    const figure = await lossFigure(history(8, true));
    decode(figure);
    expect(figure.width).toBeGreaterThan(2 * 520);
    for (const text of ['Training loss', '8 epochs', 'epoch', 'loss (log scale)', 'learning rate', 'training']) {
      expect(figure.svg).toContain(`>${text}`);
    }
    expect(figure.svg).toContain('>validation<');
    expect(figure.svg).toContain('stroke="#1f77b4"'); // the training curve
    expect(figure.svg).toContain('stroke="#ff7f0e"'); // the validation curve
    await expectTextDrawn(figure);
  });

  it('leaves validation out of the legend when there is none, and says when no epoch completed', async () => {
    expect((await lossFigure(history(1, false))).svg).not.toContain('validation');
    const empty = await lossFigure([]);
    decode(empty);
    expect(empty.svg).toContain('no epoch completed');
  });
});

describe('amplitude.png and phase.png', () => {
  const [height, width] = [40, 60];
  const ramp = Float32Array.from({ length: height * width }, (_, k) => (k % width) / (width - 1));

  it('amplitude: viridis, axes in pixels, a labelled colour bar', async () => {
    const figure = await imageFigure({ values: ramp, height, width, kind: 'amplitude' });
    const png = decode(figure);
    // The longer side is drawn 360 units long at 2 px a unit.
    expect(figure.width).toBeGreaterThan(720);
    for (const text of ['Amplitude', `${width} × ${height} px`, 'x (px)', 'y (px)', 'amplitude']) {
      expect(figure.svg).toContain(`>${text}<`);
    }
    expect(figure.svg).toContain('<linearGradient'); // the colour bar
    // Both ends of viridis, in the image and the colour bar.
    expect(pixelsOfColour(png, [68, 1, 84])).toBeGreaterThan(500);
    expect(pixelsOfColour(png, [253, 231, 37])).toBeGreaterThan(500);
    await expectTextDrawn(figure);
  });

  it('phase: a cyclic map over −π … π with the ticks named', async () => {
    const phase = ramp.map((t) => Math.PI * (2 * t - 1));
    const figure = await imageFigure({ values: phase, height, width, kind: 'phase' });
    const png = decode(figure);
    for (const text of ['Phase', 'phase (rad)', '−π', '−π/2', '0', 'π/2', 'π']) {
      expect(figure.svg).toContain(`>${text}<`);
    }
    // −π and π share the light end colour; 0 is the dark middle.
    expect(pixelsOfColour(png, [226, 217, 226], 3)).toBeGreaterThan(500);
    expect(pixelsOfColour(png, [47, 20, 55], 3)).toBeGreaterThan(100);
  });
});

describe('comparison.png', () => {
  const size = 48;
  /** A complex image with structure: amplitude and phase both vary. */
  function object(noise: number, seed: number) {
    const data = new Float32Array(2 * size * size);
    let state = seed;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * noise;
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const amplitude = 0.6 + 0.3 * Math.sin(i / 4) * Math.cos(j / 5) + random();
        const phase = 0.8 * Math.sin((i + j) / 7) + random();
        data[2 * (i * size + j)] = amplitude * Math.cos(phase);
        data[2 * (i * size + j) + 1] = amplitude * Math.sin(phase);
      }
    }
    return { height: size, width: size, data };
  }
  const truth = object(0, 1);
  const compared = (label: string, noise: number, seed: number): ComparedReconstruction => {
    const reconstruction = { object: object(noise, seed), origin: [0, 0] as const };
    return { label, ...reconstruction, metrics: evaluate(reconstruction, truth) };
  };

  it('shows truth, the network, the refined object and its error, with their metrics', async () => {
    const network = compared('network', 0.3, 2);
    const refined = compared('refined', 0.02, 3);
    const note = 'physics refinement: 20 passes, R-factor 0.3000 (network) → 0.0100';
    const figure = await comparisonFigure({ groundTruth: truth, reconstructions: [network, refined], note });
    decode(figure);
    for (const text of ['ground truth', 'network', 'refined', 'refined − truth', 'Amplitude', 'Phase', note]) {
      expect(figure.svg).toContain(`>${text}<`);
    }
    for (const { metrics } of [network, refined]) {
      expect(figure.svg).toContain(`SSIM ${metrics.amplitude.ssim!.toFixed(3)} · PSNR`);
      expect(figure.svg).toContain(`MAE ${metrics.phase.mae.toPrecision(3)} rad`);
    }
    await expectTextDrawn(figure);
  });

  it('without refinement: truth, the reconstruction and its error', async () => {
    const figure = await comparisonFigure({
      groundTruth: truth,
      reconstructions: [compared('reconstruction', 0.1, 4)],
    });
    expect(figure.svg).toContain('>reconstruction − truth<');
    expect(figure.svg).not.toContain('network');
  });
});
