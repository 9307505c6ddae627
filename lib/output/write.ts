import * as fs from 'fs';
import * as path from 'path';
import { OutputFile } from './layout';

/**
 * Replaces `outDir` with exactly `files`, all or nothing: everything is written into a sibling temporary directory
 * first and swapped in with renames, so a failure at any point leaves the previous output byte-for-byte intact.
 * Nothing else is ever written to `outDir`.
 */
export function writeAtomically(outDir: string, files: readonly OutputFile[]): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.synth-${path.basename(target)}-`));
  try {
    for (const file of files) {
      const dest = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.writeFileSync(dest, file.content);
    }
    const previous = fs.existsSync(target) ? `${staging}.previous` : undefined;
    if (previous) fs.renameSync(target, previous);
    try {
      fs.renameSync(staging, target);
    } catch (e) {
      if (previous) fs.renameSync(previous, target);
      throw e;
    }
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
