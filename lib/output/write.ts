import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { UserError } from '../core/errors';
import { OutputFile } from './layout';
import { exchangeDirectories } from './exchange';
import { describeFsError as describe, isFsError } from './fs-errors';
import { acquireLock, isProcessAlive } from './lock';
import { MARKER_NAME, markerFile } from './marker';
import { checkOwnership, OwnershipContext } from './ownership';

/**
 * Why the swap looks like this. dist/ is committed to git and read by `kubectl apply -R` and Argo CD, so it must be a
 * real directory (a symlink would be committed as a symlink). POSIX rename(2) replaces a directory only when the
 * destination is empty; Linux's renameat2(RENAME_EXCHANGE) swaps two non-empty directories in one step, and Node
 * reaches it through a helper (see exchange.ts). So every run, under a lock:
 *   1. writes the whole new tree into `.synth-<name>.new-<pid>-<random>` beside the output (ordinary permissions);
 *   2. exchanges it with the output in one step (or, with no output yet, renames it into place);
 *   3. deletes the staging directory, which now holds the previous tree (a failure there is a warning).
 * A kill leaves the old tree (before 2) or the new one (from 2 on) at the path, never anything else, and the next
 * synth deletes the leftover staging directory.
 *
 * Where the exchange is unsupported (not Linux, a filesystem without it, no perl or python3), step 2 becomes:
 * rename the staging tree to `.synth-<name>.ready` (complete from here on), move the output to `.synth-<name>.old`,
 * and at once `.ready` to the output. The only other state a kill can then leave is the gap between those two renames,
 * where the path is missing and the complete new tree waits in `.ready`; the next synth starts by moving it into place
 * (--plan and --check write nothing, so they read the tree from `.ready`: see currentOutputDir).
 */
export interface WriteOptions extends OwnershipContext {
  /** How long to wait for a concurrent synth into the same directory. @default 60_000 */
  readonly lockTimeoutMs?: number;
  /**
   * How the new tree replaces the old: 'exchange' swaps them in one step where the system can and falls back to two
   * renames elsewhere; 'rename' always uses the two renames (tests use it to prove the fallback's recovery).
   * @default 'exchange'
   */
  readonly swap?: 'exchange' | 'rename';
}

export interface WriteResult {
  /** Problems that did not stop the write (the new tree is in place), e.g. a previous tree that could not be deleted. */
  readonly warnings: string[];
}

/** Sibling paths the writer uses for `target`. */
export function workPaths(target: string) {
  const parent = path.dirname(target);
  const base = `.synth-${path.basename(target)}`;
  return {
    parent,
    lock: path.join(parent, `${base}.lock`),
    ready: path.join(parent, `${base}.ready`),
    old: path.join(parent, `${base}.old`),
    newPrefix: `${base}.new-`,
    trashPrefix: `${base}.trash-`,
    /** Entries of `parent` that belong to this writer (including what earlier versions left: `.synth-<name>-XXXXXX`). */
    isLeftover: (name: string) =>
      name === `${base}.ready` || name === `${base}.old` || name.startsWith(`${base}.new-`) || name.startsWith(`${base}.trash-`) ||
      name.startsWith(`${base}.lock.stale-`) ||
      new RegExp(`^${escapeRegExp(base)}-[A-Za-z0-9]{6}(\\.previous)?$`).test(name),
  };
}

/**
 * Replaces `outDir` with exactly `files` plus the marker, all or nothing, after checking that the directory is
 * Platform Kit's (see checkOwnership: refused cases touch nothing, not even a lock file).
 */
export function writeOutput(outDir: string, files: readonly OutputFile[], options: WriteOptions = {}): WriteResult {
  const target = path.resolve(outDir);
  checkOwnership(target, options);
  const work = workPaths(target);
  // From here on every filesystem error (a parent folder that cannot be made, a lock file that cannot be created, a
  // leftover that cannot be recovered) is the user's to fix: the plain UserError below (exit 1), never the "looks
  // like a bug" text. Errors that are not the filesystem's stay as they are: those are bugs.
  let created: string | undefined;
  try {
    created = fs.mkdirSync(work.parent, { recursive: true });
    return writeLocked(target, files, work, options);
  } catch (e) {
    // The folders this run made for the output hold nothing else; no output went in, so "nothing was written" holds.
    if (created !== undefined && !fs.existsSync(target)) removeQuietly(created);
    if (e instanceof UserError || !isFsError(e)) throw e;
    throw writeFailed(target, e);
  }
}

function writeLocked(target: string, files: readonly OutputFile[], work: ReturnType<typeof workPaths>, options: WriteOptions): WriteResult {
  const release = acquireLock(work.lock, { timeoutMs: options.lockTimeoutMs });
  const warnings: string[] = [];
  try {
    recoverLeftovers(target, warnings);
    checkOwnership(target, options); // again under the lock: the tree may have been recovered or changed meanwhile
    const staging = path.join(work.parent, `${work.newPrefix}${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
    let previous: string | undefined;
    try {
      fs.mkdirSync(staging);
      for (const file of withMarker(files)) {
        const dest = path.join(staging, file.path);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, file.content);
      }
      previous = swapIn(target, staging, work, options.swap ?? 'exchange');
    } catch (e) {
      removeQuietly(staging);
      removeQuietly(work.ready);
      throw writeFailed(target, e);
    }
    if (previous) {
      try {
        fs.rmSync(previous, { recursive: true, force: true });
      } catch (e) {
        warnings.push(`the new output is in place, but the previous tree ${previous} could not be deleted (${describe(e)}); the next synth deletes it, or delete it yourself.`);
      }
    }
  } finally {
    // A lock file that cannot be deleted must not turn a written output into "nothing was written": a warning (the
    // next synth finds its pid dead and takes the lock over).
    try {
      release();
    } catch (e) {
      warnings.push(`the lock file ${work.lock} could not be deleted (${describe(e)}); the next synth takes it over, or delete it yourself.`);
    }
  }
  return { warnings };
}

/**
 * Step 2: the complete staging tree takes the output's place. Returns where the previous tree now is (to be deleted),
 * or undefined when there was none. On an error nothing has moved (the fallback puts the old tree back).
 */
function swapIn(target: string, staging: string, work: ReturnType<typeof workPaths>, swap: 'exchange' | 'rename'): string | undefined {
  if (!fs.existsSync(target)) {
    fs.renameSync(staging, target); // missing → new tree: one rename
    return undefined;
  }
  if (swap === 'exchange' && exchangeDirectories(staging, target) === 'exchanged') return staging;
  fs.renameSync(staging, work.ready);
  fs.renameSync(target, work.old);
  try {
    fs.renameSync(work.ready, target);
  } catch (e) {
    fs.renameSync(work.old, target);
    throw e;
  }
  return work.old;
}

/**
 * Finishes or undoes what a killed run left beside `target`: a complete `.ready` tree with no output is moved into
 * place (the run was killed between the two renames), an `.old` tree with no output goes back, the rest is deleted.
 * Call it holding the lock. Problems deleting are warnings; the next run tries again.
 *
 * Each leftover is first renamed to a `.trash-` name and only then deleted: a run killed during its exchange may leave
 * the helper process running for a moment, about to exchange its staging tree with the output. Once the staging tree
 * is renamed away, that exchange fails (ENOENT) instead of swapping a half-deleted tree into the output.
 */
export function recoverLeftovers(target: string, warnings: string[] = []): void {
  const work = workPaths(target);
  if (!fs.existsSync(target)) {
    if (fs.existsSync(work.ready)) fs.renameSync(work.ready, target);
    else if (fs.existsSync(work.old)) fs.renameSync(work.old, target);
  }
  let names: string[];
  try {
    names = fs.readdirSync(work.parent);
  } catch {
    return;
  }
  for (const name of names.filter(work.isLeftover)) {
    const pid = name.startsWith(work.newPrefix) ? Number(name.slice(work.newPrefix.length).split('-')[0]) : undefined;
    if (pid !== undefined && pid !== process.pid && isProcessAlive(pid)) continue; // a live synth's staging tree
    let doomed = path.join(work.parent, name);
    try {
      if (!name.startsWith(work.trashPrefix)) {
        const trash = path.join(work.parent, `${work.trashPrefix}${crypto.randomBytes(4).toString('hex')}`);
        fs.renameSync(doomed, trash);
        doomed = trash;
      }
      fs.rmSync(doomed, { recursive: true, force: true });
    } catch (e) {
      warnings.push(`could not delete ${doomed}, left by an interrupted synth (${describe(e)}); delete it yourself.`);
    }
  }
}

/** The directory that holds the current output for reading (plan, check): the output, or a complete `.ready` tree a killed run left. */
export function currentOutputDir(outDir: string): string | undefined {
  const target = path.resolve(outDir);
  if (fs.existsSync(target)) return target;
  const { ready } = workPaths(target);
  return fs.existsSync(ready) ? ready : undefined;
}

function withMarker(files: readonly OutputFile[]): readonly OutputFile[] {
  return files.some((f) => f.path === MARKER_NAME) ? files : [...files, markerFile()];
}

function writeFailed(target: string, e: unknown): UserError {
  return new UserError(`could not write the output to ${target}`, [`${describe(e)}. Nothing was written: the previous output is unchanged.`]);
}

function removeQuietly(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true });
  } catch {
    // the next run's recovery deletes it
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
