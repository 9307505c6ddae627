/**
 * Filesystem errors in plain words. One owner for the writer, the ownership check and the CLI: whatever the
 * filesystem refuses (permissions, a full or read-only disk, a file in the way) is the user's to fix, so it is
 * reported as a plain message (exit 1), never as the "looks like a bug in Platform Kit" text.
 */

/** True for an error the filesystem raised (it carries an errno code such as EACCES), not a bug in our code. */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return e instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** A filesystem error in plain words, keeping the code and path for searching. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const plain: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on the device',
    EROFS: 'the filesystem is read-only', EBUSY: 'the path is busy (a mount point or open elsewhere)',
    EEXIST: 'a file is in the way', ENOTDIR: 'a file is in the way of a folder', EISDIR: 'a folder is in the way of a file',
    EDQUOT: 'disk quota exceeded', EXDEV: 'the temporary tree is on another filesystem',
  };
  const words = err?.code ? plain[err.code] : undefined;
  return words ? `${words} (${err.code}${err.path ? ` at ${err.path}` : ''})` : String(err?.message ?? e);
}
