import * as crypto from 'crypto';

/** Pod template annotation carrying a hash of the workload's configuration, so a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'platform-kit.io/config-hash';

/** A short, stable hash of configuration texts (for {@link CONFIG_HASH_ANNOTATION}). */
export function configHash(...texts: readonly string[]): string {
  const hash = crypto.createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex').slice(0, 16);
}
