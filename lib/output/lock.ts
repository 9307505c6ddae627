import * as fs from 'fs';
import { UserError } from '../core/errors';

export interface LockOptions {
  /** How long to wait for another synth writing the same directory. @default 60_000 */
  readonly timeoutMs?: number;
}

/**
 * An exclusive lock file created with O_EXCL, holding the owner's pid. A lock whose pid no longer runs (a synth
 * that was killed) is stale and taken over; a live one is waited for, so concurrent synths into one directory take
 * turns and each leaves one complete tree. Returns the function that releases the lock.
 */
export function acquireLock(lockFile: string, options: LockOptions = {}): () => void {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => fs.rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(lockFile);
    if (holder !== undefined && isStale(lockFile, holder)) {
      breakStaleLock(lockFile, holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError('another synth is writing the same output directory', [
        `${lockFile} is held by process ${holder ?? '(unknown)'}. Wait for it to finish; if no synth is running, delete ${lockFile}.`,
      ]);
    }
    sleep(25);
  }
}

/** The pid in the lock file: a number, '' while its creator has not written it yet, undefined if the file is gone. */
function readHolder(lockFile: string): string | undefined {
  try {
    return fs.readFileSync(lockFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isStale(lockFile: string, holder: string): boolean {
  if (holder === '') {
    // Killed between creating the file and writing its pid: stale once it is clearly older than that gap.
    try {
      return Date.now() - fs.statSync(lockFile).mtimeMs > 5_000;
    } catch {
      return false;
    }
  }
  const pid = Number(holder);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return pid !== process.pid && !isProcessAlive(pid);
}

/** Whether a process with this pid runs (EPERM: it runs as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Moves the stale lock aside before deleting it, and deletes it only if it still names the dead holder: two synths
 * that find the same stale lock must not delete the fresh lock the first of them has just created.
 */
function breakStaleLock(lockFile: string, holder: string): void {
  const aside = `${lockFile}.stale-${process.pid}`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return; // someone else moved it first
  }
  if (readHolder(aside) === holder) {
    fs.rmSync(aside, { force: true });
    return;
  }
  // We moved a live lock: put it back unless another synth has locked meanwhile (then both run; the swap is still
  // atomic per run, so the directory ends as one complete tree).
  try {
    fs.linkSync(aside, lockFile);
  } catch {
    // keep going: see above
  }
  fs.rmSync(aside, { force: true });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
