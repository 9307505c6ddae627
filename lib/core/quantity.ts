/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): a signed decimal number with an optional
 * binary (Ki, Mi, Gi, Ti, Pi, Ei) or decimal (n, u, m, k, M, G, T, P, E) suffix, or an exponent (1e3).
 * The checks need real arithmetic on them (quota fit, capacity), so they are parsed to plain numbers:
 * CPU in cores, everything else in its base unit (bytes).
 */
const QUANTITY = /^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

export function isQuantity(value: unknown): boolean {
  return (typeof value === 'string' && QUANTITY.test(value)) || (typeof value === 'number' && Number.isFinite(value));
}

/** Parses a quantity; throws on a malformed one (validate user input with {@link isQuantity} first). */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(value)}`);
  const [, number, suffix] = match;
  if (suffix === undefined) return Number(number);
  if (/^[eE]/.test(suffix)) return Number(number) * 10 ** Number(suffix.slice(1));
  return Number(number) * SUFFIX[suffix];
}

/** `0.25` → `"250m"`, `2` → `"2"`: how the checks print CPU. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** `268435456` → `"256Mi"`: how the checks print memory and storage. */
export function formatBytes(bytes: number): string {
  for (const [suffix, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes >= size && Number.isInteger(Math.round((bytes / size) * 100) / 100)) return `${Math.round(bytes / size)}${suffix}`;
    if (bytes >= size) return `${(bytes / size).toFixed(2)}${suffix}`;
  }
  return String(bytes);
}

/** Bytes rounded up to whole MiB, written in Gi when exact (`1Gi`, `1152Mi`, `0`): how computed quotas and limits are written. */
export function formatMebibytesUp(bytes: number): string {
  const mi = Math.ceil(bytes / 2 ** 20 - 1e-9);
  if (mi === 0) return '0';
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** Cores rounded up to whole millicores, ignoring float noise such as 1.2000000000000002 (`170m`, `2`). */
export function formatCpuUp(cores: number): string {
  return formatCpu(Math.ceil(cores * 1000 - 1e-6) / 1000);
}
