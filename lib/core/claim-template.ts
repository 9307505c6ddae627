import { k8s } from 'cdk8s-plus-27';

export interface ClaimTemplateProps {
  /** The template's name: the claims are `<name>-<statefulset>-<ordinal>`. */
  readonly name: string;
  /** The claims' labels; version-free, because a StatefulSet's claim templates never change. */
  readonly labels: Record<string, string>;
  readonly storageClassName: string;
  /** The requested size, a Kubernetes quantity (`10Gi`). */
  readonly size: string;
}

/**
 * One entry of a StatefulSet's `volumeClaimTemplates` (ReadWriteOnce), with `volumeMode` written out (the API server's
 * default). Use it in a {@link StoredFormStatefulSet}, which writes the rest of the stored form.
 */
export function claimTemplate(props: ClaimTemplateProps): k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name: props.name, labels: props.labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: props.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(props.size) } },
      volumeMode: 'Filesystem',
    },
  };
}

/**
 * A StatefulSet whose claim templates are written exactly as the API server stores them: with `apiVersion`, `kind`
 * and `status.phase: Pending`, which it fills in. cdk8s's typed props cannot carry those (KubeStatefulSet.toJson
 * drops every field its schema type lacks, JSON patches included), hence the override.
 *
 * Why: `volumeClaimTemplates` is one atomic value to both kinds of apply. Without these fields the stored list
 * differs from ours, so every client-side `kubectl apply -f dist` re-sends it ("configured" although nothing
 * changed), and the first server-side apply after client-side ones, the documented switch, stops with a conflict on
 * `.spec.volumeClaimTemplates` (seen on kube-apiserver 1.36 by `npm run test:cluster`).
 */
export class StoredFormStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    const json = super.toJson();
    const templates: any[] | undefined = json.spec?.volumeClaimTemplates;
    if (templates) {
      json.spec.volumeClaimTemplates = templates.map((t) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t, status: { phase: 'Pending', ...t.status } }));
    }
    return json;
  }
}
