import fs from 'node:fs';
import path from 'node:path';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'ptychopinn') return dir;
    if (path.dirname(dir) === dir) throw new Error(`ptychopinn: cannot find the package root above ${start}`);
  }
}

/** The folder holding ptychopinn's package.json (the repo, or node_modules/ptychopinn). */
export const packageRoot: string = findPackageRoot(__dirname);

export const packageVersion: string = JSON.parse(
  fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8'),
).version;
