// report.html: one self-contained page (no script, nothing fetched) that a browser
// shows with its figures and metric values.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import type { Capabilities } from '../lib/capabilities';
import { DEFAULT_CONFIG } from '../lib/config/schema';
import { evaluate } from '../lib/metrics';
import { imageFigure } from '../lib/render/imageFigure';
import { reportHtml } from '../lib/report/reportHtml';
import type { RunReport } from '../lib/report/runReport';
import { findChromium, NO_CHROMIUM, runChromium } from './helpers/chromium';

const CAPABILITIES: Capabilities = {
  packageVersion: '9.9.9',
  addon: { path: '/somewhere/ptychopinn.node', prebuilt: false },
  libtorch: { version: '2.13.0', loadedVersion: '2.13.0+cpu', library: '/somewhere/libtorch_cpu.so', cxx11Abi: true },
  cuda: { compiled: false, available: false, devices: [] },
  distributed: { backends: ['gloo'], unavailableReason: '' },
  threads: { intraOp: 2, interop: 2, parallelInfo: '' },
  mkldnn: true,
  mkl: true,
};

/** A report of an `infer` run: one amplitude figure, metrics against a truth, refinement. */
async function sampleReport(): Promise<RunReport> {
  const [height, width] = [32, 48];
  const values = Float32Array.from({ length: height * width }, (_, k) => (k % width) / (width - 1));
  const truth = {
    height,
    width,
    data: Float32Array.from({ length: 2 * height * width }, (_, k) => (k % 2 ? 0 : 0.5 + 0.4 * Math.sin(k / 17))),
  };
  const recon = { ...truth, data: truth.data.map((v, k) => v + 0.01 * Math.cos(k)) };
  return {
    command: 'infer',
    createdAt: new Date('2026-01-02T03:04:05Z'),
    inputs: [
      ['model', 'runs/<b>model</b>.ptpinn'],
      ['data', 'scan.npz'],
    ],
    figures: [
      {
        file: 'amplitude.png',
        caption: 'Reconstructed amplitude',
        figure: await imageFigure({ values, height, width, kind: 'amplitude' }),
      },
    ],
    metrics: evaluate({ object: recon, origin: [0, 0] }, truth),
    refinement: {
      iterations: 20,
      initialRFactor: 0.3,
      finalRFactor: 0.01,
      probeRefined: false,
      aborted: false,
      seconds: 1.5,
    },
    timings: [['reconstruction in all', 2.5]],
    config: DEFAULT_CONFIG,
    capabilities: CAPABILITIES,
  };
}

describe('report.html', () => {
  it('is one self-contained page: figures inline, no script, nothing fetched', async () => {
    const report = await sampleReport();
    const html = reportHtml(report);
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\(/i);
    const sources = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]);
    expect(sources).toEqual([report.figures[0].figure.dataUri()]);
    expect(html).toContain('runs/&#60;b&#62;model&#60;/b&#62;.ptpinn'); // text is escaped
    expect(html).toContain(report.metrics!.amplitude.ssim!.toPrecision(4));
    expect(html).toContain('LibTorch 2.13.0+cpu');
    expect(html).toContain(`<th>refine_iterations</th><td>${DEFAULT_CONFIG.refine_iterations}</td>`);
  });

  const browser = findChromium();
  if (!browser) console.warn(`report.html in a browser: skipped, ${NO_CHROMIUM}`);

  it.skipIf(!browser)('shows its figures and metric values in headless Chromium', async () => {
    const report = await sampleReport();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ptychopinn-report-'));
    const file = path.join(dir, 'report.html');
    fs.writeFileSync(file, reportHtml(report));

    const dom = runChromium(browser!, file, ['--dump-dom']);
    const text = dom.replace(/<[^>]+>/g, ' ');
    for (const channel of ['amplitude', 'phase'] as const) {
      expect(text).toContain(report.metrics![channel].ssim!.toPrecision(4));
      expect(text).toContain(report.metrics![channel].mae.toPrecision(4));
    }
    expect(text).toContain('Reconstructed amplitude');

    const screenshot = path.join(dir, 'shown.png');
    runChromium(browser!, file, ['--window-size=1280,2400', `--screenshot=${screenshot}`]);
    const shown = PNG.sync.read(fs.readFileSync(screenshot));
    // The figure's viridis ends on screen: the data: URI decoded and was displayed.
    const near = (i: number, rgb: number[]) => rgb.every((c, k) => Math.abs(shown.data[i + k] - c) <= 8);
    let purple = 0;
    let yellow = 0;
    for (let i = 0; i < shown.data.length; i += 4) {
      if (near(i, [68, 1, 84])) purple++;
      if (near(i, [253, 231, 37])) yellow++;
    }
    expect(purple).toBeGreaterThan(300);
    expect(yellow).toBeGreaterThan(300);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
