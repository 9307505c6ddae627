import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { namespaceLimits, WorkloadBudget } from '../observability/budget';
import { NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import { LocalVolume } from '../storage/local-volume';
import { DnsSettings, NamespaceBaseline } from '../tenancy/namespace-baseline';
import { HARBOR, HarborIdentity } from './component';
import { RegistryConfig } from './config';
import { addCoreAndPortal } from './core-portal';
import { addDataStores } from './data-stores';
import { DEFAULT_REGISTRY } from './defaults';
import { addRegistryPod } from './registry-pod';
import { addWorkers } from './workers';

export { ADMIN_USER, HARBOR } from './component';

/** Where the cluster's pieces are that Harbor needs: the NFS server, the nodes of its local volumes, DNS. */
export interface HarborProps {
  /** The `registry:` section (validated, with defaults). */
  readonly config: RegistryConfig;
  /** NFS server of the blob and backup exports. */
  readonly nfsServer: string;
  /** Node of each local volume. */
  readonly volumeNodes: { readonly database: string; readonly redis: string; readonly trivy: string };
  /** Cluster DNS. @default - kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSettings;
  /** Nodes of the cluster (for DaemonSet pods in the computed quota; Harbor runs none). @default 1 */
  readonly nodeCount?: number;
}

/** What the registry unit built, for offers and tests. */
export interface HarborStack {
  readonly namespace: NamespaceBaseline;
  readonly config: RegistryConfig;
  /** The blob volume and its claim. */
  readonly blobs: { readonly volume: NfsVolume; readonly claim: NfsVolumeClaim };
  /** Local volumes of the StatefulSets, by component. */
  readonly localVolumes: { readonly database: LocalVolume; readonly redis: LocalVolume; readonly trivy?: LocalVolume };
  /** In-cluster URL of core (`http://harbor-core.<ns>.svc`). */
  readonly coreUrl: string;
  /** `https://<host>`: what core calls externalURL (EXT_ENDPOINT), derived from the host only. */
  readonly externalUrl: string;
  /** Pods serving metrics on port 8001, by scrape job. */
  readonly metricsPods: ReadonlyArray<{ readonly job: string; readonly identity: HarborIdentity }>;
}

/** What each workload's containers need of the LimitRange (the quota is computed from the pods really in the namespace). */
export function harborWorkloads(r: RegistryConfig): WorkloadBudget[] {
  const ns = r.namespace;
  const res = r.resources;
  return [
    { name: 'core', namespace: ns, pods: r.coreReplicas, resources: res.core },
    { name: 'portal', namespace: ns, pods: r.portalReplicas, resources: res.portal },
    { name: 'registry', namespace: ns, pods: 1, resources: res.registry, claims: [r.storage.blobs.size] },
    // registryctl shares the registry's pod: counted as a pod of its own, which only over-counts the pod quota by one.
    { name: 'registryctl', namespace: ns, pods: 1, resources: res.registryctl },
    { name: 'jobservice', namespace: ns, pods: 1, resources: res.jobservice },
    ...(r.trivy.enabled ? [{ name: 'trivy', namespace: ns, pods: 1, resources: res.trivy, claims: [r.storage.trivy.size] }] : []),
    { name: 'database', namespace: ns, pods: 1, resources: res.database, claims: [r.storage.database.size] },
    { name: 'redis', namespace: ns, pods: 1, resources: res.redis, claims: [r.storage.redis.size] },
    { name: 'exporter', namespace: ns, pods: 1, resources: res.exporter },
    { name: 'day-one', namespace: ns, pods: 1, resources: res.jobs },
    ...(r.backup.enabled ? [{ name: 'backup', namespace: ns, pods: 1, resources: res.jobs, claims: [r.backup.size] }] : []),
  ];
}

/**
 * Harbor as direct children of `scope` (one file each in dist/): the namespace (default-deny, quota from the
 * workloads), storage, PostgreSQL, Redis, core, portal, registry with registryctl, jobservice, Trivy and the
 * exporter. Flows, exposure, the day-one Job and the backup are added by their own modules (see part.ts).
 */
export function buildHarbor(scope: Construct, props: HarborProps): HarborStack {
  const r = props.config;
  const ns = r.namespace;
  const externalUrl = `https://${r.host}`;
  const coreUrl = `http://${HARBOR.core.name}.${ns}.svc`;

  const namespace = new NamespaceBaseline(scope, 'Namespace', {
    name: ns,
    part: 'registry',
    podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
    // The quota counts the pod templates, claims and surge pods really in the namespace (no second list to drift).
    quotaFromWorkloads: { nodeCount: props.nodeCount ?? 1 },
    limits: namespaceLimits(harborWorkloads(r)),
    allowSameNamespace: false,
    dns: props.dns,
  });
  new k8s.KubeServiceAccount(namespace, 'HarborServiceAccount', {
    metadata: { name: 'harbor', namespace: ns, labels: HARBOR.core.stableLabels },
    automountServiceAccountToken: false,
  });


  const stores = addDataStores(scope, r, props.nfsServer, props.volumeNodes);
  addCoreAndPortal(scope, r, externalUrl);
  addRegistryPod(scope, r, stores.blobs.claim);
  addWorkers(scope, r, DEFAULT_REGISTRY.storageClasses.local);


  return {
    namespace,
    config: r,
    blobs: stores.blobs,
    localVolumes: stores.localVolumes,
    coreUrl,
    externalUrl,
    metricsPods: [
      { job: 'harbor-core', identity: HARBOR.core },
      { job: 'harbor-registry', identity: HARBOR.registry },
      { job: 'harbor-jobservice', identity: HARBOR.jobservice },
      { job: 'harbor-exporter', identity: HARBOR.exporter },
    ],
  };
}
