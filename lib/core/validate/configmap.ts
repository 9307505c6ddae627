/**
 * The API server refuses a ConfigMap whose data is larger than 1 MiB (ValidateConfigMap sums the bytes of every key
 * and value against corev1.MaxSecretSize), so a too-large config is refused at synth, not at apply.
 */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

/** What the API server counts: the UTF-8 bytes of every key and value. */
export function configMapDataBytes(data: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(data)) total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(String(value), 'utf8');
  return total;
}

/** `field: N bytes, above the 1 MiB …; <fix>` when the data would not fit in one ConfigMap. */
export function configMapSizeProblem(data: Readonly<Record<string, string>>, field: string, fix: string): string | undefined {
  const bytes = configMapDataBytes(data);
  return bytes > CONFIG_MAP_MAX_BYTES
    ? `${field}: ${bytes} bytes of keys and values, above the ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB) the API server allows in one ConfigMap; ${fix}`
    : undefined;
}
