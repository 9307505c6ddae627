import { NfsVolume } from '../storage/nfs-volume';
import type { MySqlCluster } from './cluster';
import { dataVolumeName, STATEFULSET_NAME } from './defaults';

/** One member's data volume: its PV and the claim it is reserved for. */
export interface MySqlDataVolume {
  readonly ordinal: number;
  readonly exportPath: string;
  readonly volume: NfsVolume;
}

/**
 * One NFS PV per export path (`mysql-pv`, `mysql-pv1`, …), each pre-bound to the claim the StatefulSet creates for
 * that ordinal (`mysql-persistent-storage-mysql-N`): member N always mounts export N, and a PV is never handed to
 * another claim. Export paths beyond `replicas` keep their PV, so scaling down and up again finds the same data.
 */
export function addDataVolumes(cluster: MySqlCluster): MySqlDataVolume[] {
  return cluster.exportPaths.map((exportPath, ordinal) => ({
    ordinal,
    exportPath,
    volume: new NfsVolume(cluster, `DataVolume${ordinal}`, {
      name: dataVolumeName(ordinal),
      server: cluster.nfsServer,
      path: exportPath,
      capacity: cluster.pvSize,
      storageClass: { name: cluster.storageClassName },
      mountOptions: cluster.mountOptions,
      claim: { namespace: cluster.namespace, statefulSet: STATEFULSET_NAME, claimTemplate: cluster.claimTemplateName, ordinal },
      labels: cluster.labels('storage'),
    }),
  }));
}
