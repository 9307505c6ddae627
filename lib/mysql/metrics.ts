import { k8s } from 'cdk8s-plus-27';
import { tcpLivenessProbe } from '../core/probes';
import { HardenedContainerProps } from '../core/hardened-pod';
import { imageName } from '../core/security';
import type { MySqlCluster } from './cluster';
import { CREDENTIAL_KEYS } from './defaults';

/**
 * The mysqld-exporter sidecar. It connects over loopback TCP as `exporter` (PROCESS, REPLICATION CLIENT, SELECT,
 * 3 connections at most) and serves `/metrics` on the port named `metrics`, which Prometheus discovers on the pods.
 * Its password reaches it as MYSQLD_EXPORTER_PASSWORD from the credentials Secret (secretKeyRef: a reference, no
 * value in dist/); v0.15+ reads it from there and no longer takes DATA_SOURCE_NAME. It gets no other credential.
 */
export function exporterContainer(cluster: MySqlCluster): HardenedContainerProps {
  return {
    name: 'exporter',
    image: imageName(cluster.exporterImage),
    args: [
      // 127.0.0.1, not localhost: "localhost" may resolve to ::1 first, and the account is matched by address.
      `--mysqld.address=127.0.0.1:${cluster.port}`,
      '--mysqld.username=exporter',
      `--web.listen-address=:${cluster.metricsPort}`,
    ],
    env: [{
      name: 'MYSQLD_EXPORTER_PASSWORD',
      valueFrom: { secretKeyRef: { name: cluster.credentials.name, key: CREDENTIAL_KEYS.exporter } },
    }],
    ports: [{ name: cluster.metricsPortName, containerPort: cluster.metricsPort, protocol: 'TCP' }],
    resources: cluster.exporterResources,
    // The landing page answers without querying MySQL: the probes watch the exporter, not the database.
    readinessProbe: { httpGet: { path: '/', port: k8s.IntOrString.fromString(cluster.metricsPortName) }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: tcpLivenessProbe(cluster.metricsPortName, { periodSeconds: 20, timeoutSeconds: 5 }),
  };
}
