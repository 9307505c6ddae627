/**
 * Limits on the size of one object that the API server, not its schema, enforces — so a too-large object fails at
 * apply time, after the review, unless synth refuses it:
 * - a ConfigMap's data and binaryData together at most 1 MiB (ValidateConfigMap, corev1.MaxSecretSize);
 * - every object's annotations together at most 256 KiB (ValidateAnnotationsSize). Client-side `kubectl apply`
 *   (README's `kubectl apply -f dist`, and Argo CD's default sync) stores the whole object as JSON in the
 *   `kubectl.kubernetes.io/last-applied-configuration` annotation, so an object whose JSON is near 256 KiB cannot be
 *   applied that way at all ("metadata.annotations: Too long").
 */
import { CONFIG_MAP_MAX_BYTES, configMapDataBytes } from '../core/validate';
import { SynthesizedObject } from '../output/synthesized';
import { describe } from './manifest-checks';

/** apimachinery's TotalAnnotationSizeLimitB. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Bytes of a binaryData map as the API server counts them: the decoded bytes, not the base64 text. */
function binaryDataBytes(binary: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(binary)) total += Buffer.byteLength(key, 'utf8') + Buffer.from(String(value), 'base64').length;
  return total;
}

function annotationBytes(annotations: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) total += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(String(value), 'utf8');
  return total;
}

export function checkObjectSizes(objects: readonly SynthesizedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if (m.kind === 'ConfigMap' && m.apiVersion === 'v1') {
      const bytes = configMapDataBytes(m.data ?? {}) + binaryDataBytes(m.binaryData ?? {});
      if (bytes > CONFIG_MAP_MAX_BYTES) {
        problems.push(`${describe(o)}: ${bytes} bytes of keys and values, above the ${CONFIG_MAP_MAX_BYTES} bytes (1 MiB) the API server allows in one ConfigMap; split its content over several ConfigMaps or shrink it.`);
        continue;
      }
    }
    // What client-side apply would add: the object as compact JSON, under the annotation's key, next to the rest.
    const annotations = { ...(m.metadata?.annotations ?? {}) };
    delete annotations[LAST_APPLIED];
    const lastApplied = Buffer.byteLength(JSON.stringify(m), 'utf8');
    const total = annotationBytes(annotations) + Buffer.byteLength(LAST_APPLIED, 'utf8') + lastApplied;
    if (total > ANNOTATIONS_MAX_BYTES) {
      problems.push(`${describe(o)}: ${lastApplied} bytes as JSON, so client-side \`kubectl apply\` (and Argo CD's default sync) would need ${total} bytes of annotations for ${LAST_APPLIED}, above the ${ANNOTATIONS_MAX_BYTES} bytes (256 KiB) the API server allows; shrink or split the object (server-side apply has no such limit, but dist/ must apply as README says).`);
    }
  }
  return problems;
}
