import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { userDirectory } from '../cli-args';
import { UserError } from '../core/errors';
import { describeFsError, isFsError } from './fs-errors';
import { GENERATED_BY, MARKER_NAME } from './marker';

/** What the writer found at the output path; every other state is refused before anything is touched. */
export type OutputState = 'missing' | 'empty' | 'marked' | 'adopted';

export interface OwnershipContext {
  /** The config file synth read: the directory holding it, and every directory above, is never an output. */
  readonly configFile?: string;
  /**
   * The user's working directory (the shell's, where they ran npm): it and every directory above it are never an output.
   * @default - userDirectory(): INIT_CWD when npm set it, else process.cwd()
   */
  readonly cwd?: string;
  /**
   * The project directory npm runs the scripts in (the package root): never an output either, nor any directory above it.
   * @default - process.cwd()
   */
  readonly projectDir?: string;
  /** @default - os.homedir() */
  readonly home?: string;
}

/**
 * Decides whether `outDir` is Platform Kit's to replace, reading only. Refused, with the reason and the fix: the
 * filesystem root, the home directory, the user's working directory or the project directory or any directory
 * containing one, the directory holding the config file or any directory containing it, a git repository root, a
 * symlink, an existing file, a path below a file (no folder can be made there), a place where nothing can be written,
 * and a non-empty directory without the marker — unless every file in it carries Platform Kit's generated header
 * (the dist/ committed before the marker existed), which is adopted: nothing a person wrote can be in it.
 */
export function checkOwnership(outDir: string, ctx: OwnershipContext = {}): OutputState {
  const target = path.resolve(outDir);
  try {
    return decide(target, ctx);
  } catch (e) {
    // An unreadable directory (EACCES) or the like is the user's to fix: a plain message, not the "bug" text.
    if (!isFsError(e)) throw e;
    throw new UserError(`cannot inspect the output directory ${target}`, [
      `${describeFsError(e)}. Nothing was written. Make it readable, or pass --out another directory.`,
    ]);
  }
}

function decide(target: string, ctx: OwnershipContext): OutputState {
  const refuse = (why: string, fix: string): never => {
    throw new UserError(`refusing to write the output to ${target}`, [`${why}. Nothing was written. ${fix}`]);
  };
  const elsewhere = 'Pass --out a new or empty directory, or one Platform Kit wrote (the default is dist).';

  const stat = lstat(target);
  if (stat?.isSymbolicLink()) {
    refuse(`it is a symlink (to ${fs.readlinkSync(target)}); Platform Kit replaces only a real directory it owns, never what a link points at`, 'Pass --out the real directory, or remove the link.');
  }
  if (stat && !stat.isDirectory()) refuse('a file exists there, and Platform Kit never replaces a file', elsewhere);
  if (!stat) {
    // A missing output is made with its missing parents; a file among the parents would fail that mkdir (EEXIST or
    // ENOTDIR) only after the synth, and --plan/--check would not notice at all. Refuse it here, for all three.
    const blocker = fileAmongParents(target);
    if (blocker !== undefined) {
      refuse(`${blocker} is a file, not a folder, so no directory can be made below it`, `Move ${blocker} away, or pass --out a path whose parents are folders (the default is dist).`);
    }
  }

  const real = realPathOf(target);
  const inside = (p: string) => p === real || p.startsWith(real === path.sep ? real : `${real}${path.sep}`);
  if (real === path.parse(real).root) refuse('it is the filesystem root', elsewhere);
  const home = realPathOf(ctx.home ?? os.homedir());
  if (real === home) refuse('it is your home directory', elsewhere);
  const cwd = realPathOf(ctx.cwd ?? userDirectory());
  if (inside(cwd)) refuse(real === cwd ? 'it is the working directory' : `it contains the working directory ${cwd}`, elsewhere);
  const project = realPathOf(ctx.projectDir ?? process.cwd());
  if (inside(project)) {
    refuse(real === project ? 'it is the project directory (where npm runs Platform Kit)' : `it contains the project directory ${project}`, elsewhere);
  }
  if (ctx.configFile !== undefined) {
    const config = realPathOf(path.resolve(ctx.configFile));
    if (inside(config)) {
      refuse(real === path.dirname(config) ? `it holds the config file ${config}` : `it contains the config file ${config}`, elsewhere);
    }
  }
  // The writer makes its lock and staging tree beside the output: a read-only filesystem (or, for a non-root user, a
  // folder without write permission) there fails the synth, so --plan and --check say so too.
  const writable = nearestExisting(path.dirname(target));
  try {
    fs.accessSync(writable, fs.constants.W_OK);
  } catch (e) {
    refuse(`nothing can be written in ${writable}: ${describeFsError(e)}`, `Make ${writable} writable, or pass --out a directory you can write.`);
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

/** The nearest existing parent of a missing `target` when it is not a folder (a file, or a link to one). */
function fileAmongParents(target: string): string | undefined {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    try {
      return fs.statSync(dir).isDirectory() ? undefined : dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // missing, or a file further up (ENOTDIR): look one level higher
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dir === path.dirname(dir)) return undefined;
    }
  }
}

/** `dir`, or its nearest parent that exists (where mkdir would start). */
function nearestExisting(dir: string): string {
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
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
