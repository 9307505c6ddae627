import { k8s } from 'cdk8s-plus-27';
import type { MySqlCluster } from './cluster';
import { HEADLESS_SERVICE_NAME, MYSQL_PORT_NAME, PRIMARY_SERVICE_NAME, READ_SERVICE_NAME, STATEFULSET_NAME } from './defaults';

/** A Service of the cluster as clients use it. */
export interface MySqlServiceRef {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  /** Fully qualified name for clients in any namespace, e.g. `mysql-primary.mysql.svc.cluster.local`. */
  readonly host: string;
}

export interface MySqlServices {
  readonly headless: MySqlServiceRef;
  readonly primary: MySqlServiceRef;
  readonly read: MySqlServiceRef;
}

/** The label the StatefulSet controller puts on each pod with the pod's own name. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/**
 * - `mysql` (headless): DNS names `mysql-N.mysql` for the members. publishNotReadyAddresses, because members must
 *   resolve each other before they are ready: a replica clones from mysql-0 while it is itself not ready, and a
 *   restarted primary must be resolvable while it recovers.
 * - `mysql-primary`: writes; selects `mysql-0` only (the primary is ordinal 0 by construction).
 * - `mysql-read`: reads; every ready member, and a replica is ready only while both replication threads run.
 */
export function addServices(cluster: MySqlCluster): MySqlServices {
  const ns = cluster.namespace;
  const labels = cluster.labels('database');
  const ports: k8s.ServicePort[] = [{ name: MYSQL_PORT_NAME, port: cluster.port, targetPort: k8s.IntOrString.fromString(MYSQL_PORT_NAME), protocol: 'TCP' }];
  const ref = (name: string): MySqlServiceRef => ({ name, namespace: ns, port: cluster.port, host: `${name}.${ns}.svc.cluster.local` });

  new k8s.KubeService(cluster, 'HeadlessService', {
    metadata: { name: HEADLESS_SERVICE_NAME, namespace: ns, labels },
    spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: { ...cluster.selectorLabels }, ports },
  });
  new k8s.KubeService(cluster, 'PrimaryService', {
    metadata: { name: PRIMARY_SERVICE_NAME, namespace: ns, labels },
    spec: { type: 'ClusterIP', selector: { ...cluster.selectorLabels, [POD_NAME_LABEL]: `${STATEFULSET_NAME}-0` }, ports },
  });
  new k8s.KubeService(cluster, 'ReadService', {
    metadata: { name: READ_SERVICE_NAME, namespace: ns, labels },
    spec: { type: 'ClusterIP', selector: { ...cluster.selectorLabels }, ports },
  });
  return { headless: ref(HEADLESS_SERVICE_NAME), primary: ref(PRIMARY_SERVICE_NAME), read: ref(READ_SERVICE_NAME) };
}
