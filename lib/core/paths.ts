import * as fs from 'fs';
import * as path from 'path';

/** The project root (where package.json is), whether running from `lib/` under ts-jest or from `build/lib/`. */
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Platform Kit: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(__dirname);

/** Where the upstream CRDs the project uses are kept (copies of ../shared/crds, see schemas/crds/README.md). */
export const CRD_DIR = path.join(PROJECT_ROOT, 'schemas', 'crds');
