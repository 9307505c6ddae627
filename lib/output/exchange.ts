import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';

/**
 * Swapping two directories in one step. Linux has renameat2(RENAME_EXCHANGE) for it (since 3.15; ext4, xfs, btrfs,
 * tmpfs, overlayfs…), but Node exposes only rename(2), which replaces a directory only when the destination is empty.
 * So a helper that nearly every Linux machine has makes the one system call:
 *  - perl, whose built-in `syscall` needs the call's number, known here per architecture (perl-base is Essential on
 *    Debian and Ubuntu, so it is there wherever git is);
 *  - python3, whose ctypes calls libc's renameat2 wrapper by name (glibc 2.28+, musl 1.2.2+), on any architecture.
 * The helpers' answers are not trusted on their own: the two directories' inodes say whether the swap happened, so a
 * helper that crashed or was killed mid-call can never make us believe the wrong thing.
 */
export type ExchangeOutcome = 'exchanged' | 'unsupported';

/** A program that attempts the exchange; it prints the errno when the call fails. */
export interface ExchangeHelper {
  readonly name: string;
  readonly command: string;
  args(a: string, b: string): string[];
}

const AT_FDCWD = -100; // the same on every Linux architecture
const RENAME_EXCHANGE = 2; // <linux/fs.h>

/** renameat2's number for perl's `syscall`: x86-64 and i386 tables, and asm-generic's for the newer ports. */
const RENAMEAT2_NUMBER: Readonly<Record<string, number>> = { x64: 316, ia32: 353, arm64: 276, riscv64: 276, loong64: 276 };

/** Errors that mean "this kernel, filesystem or sandbox cannot exchange": the caller falls back to two renames. */
const UNSUPPORTED = new Set(['EINVAL', 'ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EPERM']);

export const PERL_HELPER: ExchangeHelper | undefined = RENAMEAT2_NUMBER[process.arch] === undefined ? undefined : {
  name: 'perl',
  command: 'perl',
  args: (a, b) => ['-e', `syscall(${RENAMEAT2_NUMBER[process.arch]}, ${AT_FDCWD}, $ARGV[0], ${AT_FDCWD}, $ARGV[1], ${RENAME_EXCHANGE}) == 0 or print 0+$!`, '--', a, b],
};

export const PYTHON_HELPER: ExchangeHelper = {
  name: 'python3',
  command: 'python3',
  args: (a, b) => ['-c', [
    'import ctypes, os, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    `if libc.renameat2(${AT_FDCWD}, os.fsencode(sys.argv[1]), ${AT_FDCWD}, os.fsencode(sys.argv[2]), ${RENAME_EXCHANGE}) != 0: print(ctypes.get_errno())`,
  ].join('\n'), a, b],
};

/** The helpers tried in order: perl first because it starts in milliseconds. */
export function defaultHelpers(): ExchangeHelper[] {
  if (process.platform !== 'linux') return [];
  return PERL_HELPER ? [PERL_HELPER, PYTHON_HELPER] : [PYTHON_HELPER];
}

/**
 * Exchanges directories `a` and `b` (both must exist) atomically: afterwards `a` holds what `b` held and the other way
 * round, and at no moment is either path missing. Returns 'unsupported' when no helper can do it here (nothing moved;
 * the caller decides what to do instead). Throws an errno error (code and path set) when the exchange itself failed
 * for a reason the caller should report, e.g. EACCES or EBUSY; nothing moved then either.
 */
export function exchangeDirectories(a: string, b: string, helpers: readonly ExchangeHelper[] = defaultHelpers()): ExchangeOutcome {
  const before = { a: identity(a), b: identity(b) };
  for (const helper of helpers) {
    const run = spawnSync(helper.command, helper.args(a, b), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    const after = { a: identity(a), b: identity(b) };
    if (after.a === before.b && after.b === before.a) return 'exchanged';
    if (after.a !== before.a || after.b !== before.b) {
      // Someone else moved one of them meanwhile (the caller holds a lock, so this is not another synth): stop here.
      throw Object.assign(new Error(`${a} or ${b} changed while they were being exchanged`), { code: 'EAGAIN', path: b });
    }
    const errno = run.status === 0 ? Number(run.stdout.trim()) : NaN;
    if (!Number.isInteger(errno) || errno <= 0) continue; // the helper is missing, crashed or lacks the call: try the next
    const code = errnoName(errno);
    if (UNSUPPORTED.has(code)) return 'unsupported';
    throw Object.assign(new Error(`${code}: exchanging ${a} and ${b} failed`), { code, errno, path: b });
  }
  return 'unsupported';
}

function identity(p: string): string {
  const st = fs.lstatSync(p, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

function errnoName(errno: number): string {
  const entry = Object.entries(os.constants.errno).find(([, value]) => value === errno);
  return entry ? entry[0] : `errno ${errno}`;
}
