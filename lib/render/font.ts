// The one font figures are drawn with. It ships inside the package (assets/fonts/:
// DejaVu Sans 2.37, Bitstream Vera licence with public-domain DejaVu changes, see
// assets/fonts/LICENSE) and the rasteriser loads only it, never system fonts: a bare
// Debian machine with no fonts installed draws the same text as a desktop, and every
// label glyph the figures use (π, −, ×, Greek, superscripts) is in it.
import fs from 'node:fs';
import path from 'node:path';

import { packageRoot } from '../packageInfo';

export const FIGURE_FONT_FAMILY = 'DejaVu Sans';

const FONT_FILE = path.join(packageRoot, 'assets', 'fonts', 'DejaVuSans.ttf');

/** The font file's path; an error naming it when the package lost it (text would silently vanish). */
export function figureFontFile(): string {
  if (!fs.existsSync(FONT_FILE)) {
    throw new Error(`ptychopinn: the figure font ${FONT_FILE} is missing; reinstall the package`);
  }
  return FONT_FILE;
}
