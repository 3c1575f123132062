// The amplitude and phase figures `infer` and `demo` write: the image in its own
// pixels, with labelled axes in pixels and a labelled colour bar.
import { AMPLITUDE_SCHEME, PHASE_SCHEME } from './colormaps';
import { renderFigure, type Figure } from './figure';
import { imagePanel } from './imagePanel';
import { valueRange } from './valueRange';

export interface ImageFigure {
  /** Row-major, height × width: amplitudes, or phases in radians. */
  values: ArrayLike<number>;
  height: number;
  width: number;
  kind: 'amplitude' | 'phase';
  /** Default: 'Amplitude' or 'Phase'. */
  title?: string;
}

/** Longer image side in the figure, SVG units (the PNG has twice as many pixels). */
const IMAGE_SIZE = 360;

export async function imageFigure({ values, height, width, kind, title }: ImageFigure): Promise<Figure> {
  const phase = kind === 'phase';
  return renderFigure({
    ...imagePanel({
      values,
      height,
      width,
      scheme: phase ? PHASE_SCHEME : AMPLITUDE_SCHEME,
      domain: phase ? [-Math.PI, Math.PI] : valueRange(values),
      colourBar: phase ? 'phase (rad)' : 'amplitude',
      phaseTicks: phase,
      title: { text: title ?? (phase ? 'Phase' : 'Amplitude'), subtitle: `${width} × ${height} px` },
      size: IMAGE_SIZE,
    }),
  });
}
