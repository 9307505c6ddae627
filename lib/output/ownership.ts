import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UserError } from '../core/errors';
import { GENERATED_BY, MARKER_NAME } from './marker';

/** What the writer found at the output path; every other state is refused before anything is touched. */
export type OutputState = 'missing' | 'empty' | 'marked' | 'adopted';

export interface OwnershipContext {
  /** The config file synth read: the directory holding it, and every directory above, is never an output. */
  readonly configFile?: string;
  /** @default - process.cwd() */
  readonly cwd?: string;
  /** @default - os.homedir() */
  readonly home?: string;
}

/**
 * Decides whether `outDir` is Platform Kit's to replace, reading only. Refused, with the reason and the fix: the
 * filesystem root, the home directory, the working directory or any directory containing it, the directory holding
 * the config file or any directory containing it, a git repository root, a symlink, an existing file, and a
 * non-empty directory without the marker — unless every file in it carries Platform Kit's generated header (the
 * dist/ committed before the marker existed), which is adopted: nothing a person wrote can be in it.
 */
export function checkOwnership(outDir: string, ctx: OwnershipContext = {}): OutputState {
  const target = path.resolve(outDir);
  const refuse = (why: string, fix: string): never => {
    throw new UserError(`refusing to write the output to ${target}`, [`${why}. Nothing was written. ${fix}`]);
  };
  const elsewhere = 'Pass --out a new or empty directory, or one Platform Kit wrote (the default is dist).';

  const stat = lstat(target);
  if (stat?.isSymbolicLink()) {
    refuse(`it is a symlink (to ${fs.readlinkSync(target)}); Platform Kit replaces only a real directory it owns, never what a link points at`, 'Pass --out the real directory, or remove the link.');
  }
  if (stat && !stat.isDirectory()) refuse('a file exists there, and Platform Kit never replaces a file', elsewhere);

  const real = realPathOf(target);
  const inside = (p: string) => p === real || p.startsWith(real === path.sep ? real : `${real}${path.sep}`);
  if (real === path.parse(real).root) refuse('it is the filesystem root', elsewhere);
  const home = realPathOf(ctx.home ?? os.homedir());
  if (real === home) refuse('it is your home directory', elsewhere);
  const cwd = realPathOf(ctx.cwd ?? process.cwd());
  if (inside(cwd)) refuse(real === cwd ? 'it is the working directory' : `it contains the working directory ${cwd}`, elsewhere);
  if (ctx.configFile !== undefined) {
    const config = realPathOf(path.resolve(ctx.configFile));
    if (inside(config)) {
      refuse(real === path.dirname(config) ? `it holds the config file ${config}` : `it contains the config file ${config}`, elsewhere);
    }
  }
  if (!stat) return 'missing';
  if (fs.existsSync(path.join(target, '.git'))) refuse('it is the root of a git repository', elsewhere);

  const entries = fs.readdirSync(target);
  if (entries.length === 0) return 'empty';
  const marker = lstat(path.join(target, MARKER_NAME));
  if (marker?.isFile()) return 'marked';
  if (allGenerated(target)) return 'adopted';
  return refuse(
    `it is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}) and holds no ${MARKER_NAME} marker, so it is not Platform Kit's output`,
    `${elsewhere} If this directory really is Platform Kit's output, move its contents away first.`,
  );
}

/** True when the tree holds only directories and files whose first line carries Platform Kit's generated header. */
function allGenerated(dir: string): boolean {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!allGenerated(full)) return false;
    } else if (!entry.isFile() || !firstLineIsGenerated(full)) {
      return false;
    }
  }
  return true;
}

function firstLineIsGenerated(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(200);
    const head = buffer.subarray(0, fs.readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    return head.startsWith(`# ${GENERATED_BY}`) || head.startsWith(`<!-- ${GENERATED_BY}`);
  } finally {
    fs.closeSync(fd);
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The real path of `p`; for a path that does not exist yet, the real path of its nearest existing parent plus the rest. */
export function realPathOf(p: string): string {
  const missing: string[] = [];
  let existing = path.resolve(p);
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return path.resolve(p);
      missing.push(path.basename(existing));
      existing = parent;
    }
  }
}
