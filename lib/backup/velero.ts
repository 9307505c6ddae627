import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { yamlForEveryReader } from '../output/yaml-render';
import { commonLabels, selectorLabels } from '../core/labels';
import { CRD_DIR } from '../core/paths';
import { parseQuantity } from '../core/quantity';
import { hardenedPodSpec } from '../core/hardened-pod';
import { ContainerResources, imageName, ImageRef, RBAC_EXEMPTION, SECURITY_EXEMPTION } from '../core/security';
import { emptyDir } from '../core/volumes';
import { Flow } from '../network/flow';
import { Peer, Peers, Port } from '../network/peer';
import { allowApiServer, ApiServerEndpoints, flowName, goMemLimit, httpProbe } from '../observability/common';
import { POD_SECURITY_REASON_ANNOTATION } from '../observability/part';
import { NamespaceBaseline } from '../tenancy/namespace-baseline';
import { VeleroScheduleConfig } from './config';
import {
  BACKUP_UID, DEFAULT_NODE_AGENT_RESOURCES, DEFAULT_VELERO, DEFAULT_VELERO_RESOURCES, PLUGIN_COPY_RESOURCES, VELERO_AWS_PLUGIN_IMAGE,
  VELERO_IMAGE, VELERO_METRICS_PORT,
} from './defaults';

/** Where the Velero CRDs are kept (copies of ../shared/crds/velero-v1.14.1, see schemas/crds/README.md). */
export const VELERO_CRD_DIR = path.join(CRD_DIR, 'velero-v1.14.1');

export const VELERO_SERVER_NAME = 'velero';
/** Velero's own kinds (velero.io v1 and v2alpha1): what its server manages in its namespace. */
export const VELERO_RESOURCES: readonly string[] = [
  'backups', 'backuprepositories', 'backupstoragelocations', 'datadownloads', 'datauploads', 'deletebackuprequests',
  'downloadrequests', 'podvolumebackups', 'podvolumerestores', 'restores', 'schedules', 'serverstatusrequests',
  'volumesnapshotlocations',
];
export const NODE_AGENT_NAME = 'node-agent';
export const BACKUP_STORAGE_LOCATION = 'default';
export const VOLUME_POLICY_CONFIG_MAP = 'velero-volume-policy';
/** Repository maintenance Jobs (Kopia) Velero 1.14 starts in its namespace, at most this many at a time in a lab. */
const MAINTENANCE_JOBS = 1;

/** Why the Velero namespace is `privileged`; written on the namespace and in docs/backup.md. */
export const VELERO_PRIVILEGED_REASON =
  'Velero\'s node-agent reads and restores pod volumes through a hostPath mount of the kubelet\'s pod directory ' +
  '(/var/lib/kubelet/pods) as root with file capabilities; Pod Security "baseline" forbids hostPath, so "privileged" ' +
  'is the lowest level that admits it. The Velero server looks for its node-agent pods in its own namespace, so the ' +
  'two cannot be split; and the repository maintenance Jobs Velero 1.14 starts here carry no securityContext at all. ' +
  'warn and audit stay "restricted" so every deviation is visible; the server pod itself meets "restricted".';

/** Why the node-agent runs as root with capabilities (its security exemption). */
export const NODE_AGENT_EXEMPTION =
  'reads every pod volume whatever its owner (DAC_READ_SEARCH) and restores files with their owners and modes ' +
  '(CHOWN, DAC_OVERRIDE, FOWNER, FSETID), which needs uid 0; no privileged mode, no privilege escalation, read-only root fs';

/**
 * Why the server may read everything and write nothing outside its namespace. A backup copies every object of the
 * included namespaces and the cluster-scoped ones, Secrets included, and Velero discovers the resource types at run
 * time (CRDs added later too), so reading cannot be narrowed to a list. Writing is what a restore needs — creating any
 * object, RBAC included — and a standing grant of that would let a compromised Velero make itself cluster-admin;
 * so restores get a temporary binding that is deleted afterwards (docs/backup.md, "Velero restore").
 */
export const VELERO_RBAC_REASON =
  'get/list/watch on every resource (a backup copies them all; types are discovered at run time); no write outside ' +
  'its namespace: restores bind cluster-admin temporarily (docs/backup.md)';

export interface ObjectStoreEndpoint {
  /** S3 endpoint URL. */
  readonly url: string;
  readonly bucket: string;
  /** @default - the bucket root */
  readonly prefix?: string;
  readonly region: string;
  /** Addresses and port Velero and its node-agent connect to (the egress flow). */
  readonly cidr: string;
  readonly port: number;
}

export interface VeleroProps {
  /** @default 'velero' */
  readonly namespace?: string;
  readonly objectStore: ObjectStoreEndpoint;
  /** Secret (key `cloud`: an AWS credentials file) the BackupStorageLocation names. @default 'velero-s3-credentials' */
  readonly credentialsSecret?: string;
  readonly apiServer: ApiServerEndpoints;
  /** Nodes the node-agent runs on (one pod each; the quota counts them). */
  readonly nodeAgentNodes: number;
  readonly dns: { readonly namespace: string; readonly podSelector: Record<string, string> };
  /** @default VELERO_IMAGE */
  readonly image?: ImageRef;
  /** @default VELERO_AWS_PLUGIN_IMAGE */
  readonly awsPluginImage?: ImageRef;
  /** @default DEFAULT_VELERO_RESOURCES */
  readonly serverResources?: ContainerResources;
  /** @default DEFAULT_NODE_AGENT_RESOURCES */
  readonly nodeAgentResources?: ContainerResources;
}

/**
 * Velero for an S3-compatible store: its CRDs (vanilla apiextensions objects, applied with the unit so that
 * `kubectl apply -f dist` installs them), the server Deployment with the AWS plugin copied in by an init container,
 * the node-agent DaemonSet for file-system backups (Kopia), least-privilege RBAC (see VELERO_RBAC_REASON), and the
 * flows to the API server and the store. The custom resources (BackupStorageLocation, Schedules) need the CRDs, so
 * they go to a `needs-velero` unit: {@link Velero.addCustomResources}.
 */
export class Velero extends Construct {
  public readonly namespace: string;
  public readonly credentialsSecret: string;
  public readonly objectStore: ObjectStoreEndpoint;
  public readonly serverPods: Peer & { kind: 'pods' };
  public readonly nodeAgentPods: Peer & { kind: 'pods' };
  public readonly metricsPort = VELERO_METRICS_PORT;

  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id);
    this.namespace = props.namespace ?? DEFAULT_VELERO.namespace;
    this.credentialsSecret = props.credentialsSecret ?? DEFAULT_VELERO.credentialsSecret;
    this.objectStore = props.objectStore;
    const image = props.image ?? VELERO_IMAGE;
    const serverResources = props.serverResources ?? DEFAULT_VELERO_RESOURCES;
    const agentResources = props.nodeAgentResources ?? DEFAULT_NODE_AGENT_RESOURCES;
    const ns = this.namespace;
    const server = { name: VELERO_SERVER_NAME, component: 'backup-server', version: image.tag };
    const agent = { name: NODE_AGENT_NAME, instance: 'velero-node-agent', component: 'backup-node-agent', version: image.tag };
    this.serverPods = Peers.pods(ns, selectorLabels(server), VELERO_SERVER_NAME) as Peer & { kind: 'pods' };
    this.nodeAgentPods = Peers.pods(ns, selectorLabels(agent), NODE_AGENT_NAME) as Peer & { kind: 'pods' };

    // CRDs first (cluster-scoped: the layout puts them in the unit's 00 file, before anything namespaced).
    const crds = new Construct(this, 'Crds');
    for (const file of fs.readdirSync(VELERO_CRD_DIR).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(VELERO_CRD_DIR, file), 'utf8'))) {
        const crd = doc.toJS();
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        new ApiObject(crds, crd.metadata.name, crd);
      }
    }

    // The namespace: privileged for the node-agent (VELERO_PRIVILEGED_REASON), quota sized to what runs here.
    const quota = veleroQuota(serverResources, agentResources, props.nodeAgentNodes);
    const namespace = new NamespaceBaseline(this, 'Namespace', {
      name: ns,
      part: 'backup',
      podSecurity: { enforce: 'privileged', audit: 'restricted', warn: 'restricted' },
      quota,
      allowSameNamespace: false,
      dns: { namespace: props.dns.namespace, podSelector: { ...props.dns.podSelector } },
    });
    (namespace.node.findChild('Resource') as ApiObject).metadata.addAnnotation(POD_SECURITY_REASON_ANNOTATION, VELERO_PRIVILEGED_REASON);

    this.addServerRbac(server);
    this.addNodeAgentRbac(agent);

    // Kopia keeps its cache under $HOME (here /scratch); 2Gi bounds it on the node's disk (docs/backup.md, "Security notes").
    const scratch = [emptyDir('scratch', '2Gi'), emptyDir('tmp', '256Mi')];
    const scratchMounts: k8s.VolumeMount[] = [{ name: 'scratch', mountPath: '/scratch' }, { name: 'tmp', mountPath: '/tmp' }];
    const commonEnv: k8s.EnvVar[] = [
      { name: 'VELERO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'VELERO_SCRATCH_DIR', value: '/scratch' },
      // Velero's Kopia cache and config live under $HOME; the root filesystem is read-only.
      { name: 'HOME', value: '/scratch' },
    ];
    const metricsPort: k8s.ContainerPort = { name: 'metrics', containerPort: VELERO_METRICS_PORT, protocol: 'TCP' };

    // Named `velero` with a container `velero`: Velero 1.14 builds its repository maintenance Jobs from this Deployment
    // by those names (image, env, volumes, service account, labels), so the Jobs also get the server's flows.
    new k8s.KubeDeployment(this, 'Server', {
      metadata: { name: VELERO_SERVER_NAME, namespace: ns, labels: commonLabels(server) },
      spec: {
        replicas: 1,
        // One server at a time: two would process the same backups.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels(server) },
        template: {
          metadata: { labels: commonLabels(server) },
          spec: hardenedPodSpec({
            serviceAccountName: VELERO_SERVER_NAME,
            usesApi: true,
            enableServiceLinks: false,
            uid: BACKUP_UID,
            initContainers: [{
              // The plugin image's entrypoint copies its binary into /target.
              name: 'velero-plugin-for-aws',
              image: imageName(props.awsPluginImage ?? VELERO_AWS_PLUGIN_IMAGE),
              resources: PLUGIN_COPY_RESOURCES,
              volumeMounts: [{ name: 'plugins', mountPath: '/target' }],
            }],
            containers: [{
              name: 'velero',
              image: imageName(image),
              command: ['/velero'],
              args: [
                'server',
                '--uploader-type=kopia',
                `--metrics-address=:${VELERO_METRICS_PORT}`,
                // Maintenance Jobs get the same bounds as the server (Kopia maintenance is the heavy step).
                `--maintenance-job-cpu-request=${serverResources.requests.cpu}`,
                `--maintenance-job-mem-request=${serverResources.requests.memory}`,
                `--maintenance-job-cpu-limit=${serverResources.limits.cpu ?? serverResources.requests.cpu}`,
                `--maintenance-job-mem-limit=${serverResources.limits.memory}`,
              ],
              env: [...commonEnv, { name: 'LD_LIBRARY_PATH', value: '/plugins' }, goMemLimit(serverResources)],
              ports: [metricsPort],
              resources: serverResources,
              readinessProbe: httpProbe('/metrics', 'metrics', { initialDelaySeconds: 10 }),
              livenessProbe: httpProbe('/metrics', 'metrics', { initialDelaySeconds: 30, failureThreshold: 5 }),
              volumeMounts: [{ name: 'plugins', mountPath: '/plugins' }, ...scratchMounts],
            }],
            volumes: [emptyDir('plugins', '256Mi'), ...scratch],
          }),
        },
      },
    });

    new k8s.KubeDaemonSet(this, 'NodeAgent', {
      metadata: { name: NODE_AGENT_NAME, namespace: ns, labels: commonLabels(agent) },
      spec: {
        selector: { matchLabels: selectorLabels(agent) },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: {
            // Velero's server finds the node-agent pod of a node by this label (`name: node-agent`).
            labels: { ...commonLabels(agent), name: NODE_AGENT_NAME },
            annotations: { [SECURITY_EXEMPTION]: NODE_AGENT_EXEMPTION },
          },
          spec: hardenedPodSpec({
            serviceAccountName: 'velero-node-agent',
            usesApi: true,
            enableServiceLinks: false,
            uid: 0, // root, as NODE_AGENT_EXEMPTION says; the whole pod context is given below
            podSecurity: { replace: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } },
            containers: [{
              name: 'node-agent',
              image: imageName(image),
              command: ['/velero'],
              args: ['node-agent', 'server', `--metrics-address=:${VELERO_METRICS_PORT}`],
              env: [...commonEnv, { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }, goMemLimit(agentResources)],
              ports: [metricsPort],
              resources: agentResources,
              securityContext: {
                runAsNonRoot: false,
                runAsUser: 0,
                capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID'] },
              },
              readinessProbe: httpProbe('/metrics', 'metrics', { initialDelaySeconds: 10 }),
              livenessProbe: httpProbe('/metrics', 'metrics', { initialDelaySeconds: 30, failureThreshold: 5 }),
              volumeMounts: [
                // HostToContainer: volumes the kubelet mounts after the agent started are seen too.
                { name: 'host-pods', mountPath: '/host_pods', mountPropagation: 'HostToContainer' },
                ...scratchMounts,
              ],
            }],
            volumes: [{ name: 'host-pods', hostPath: { path: '/var/lib/kubelet/pods', type: 'Directory' } }, ...scratch],
          }),
        },
      },
    });

    allowApiServer(new Construct(this, 'ServerFlows'), this.serverPods, 'velero', props.apiServer, 'the Velero server reads every object it backs up and runs its backups');
    allowApiServer(new Construct(this, 'NodeAgentFlows'), this.nodeAgentPods, 'velero-node-agent', props.apiServer, 'the node-agent watches its PodVolumeBackups and reads the pods on its node');
    for (const [who, from] of [['velero', this.serverPods], ['velero-node-agent', this.nodeAgentPods]] as const) {
      new Flow(this, `ObjectStore${who}`, {
        name: flowName(who, 'object-store'),
        from,
        to: Peers.cidr(this.objectStore.cidr, 'object store'),
        ports: [Port.tcp(this.objectStore.port)],
        description: `${who} writes backups to the object store ${this.objectStore.url}`,
      });
    }
  }

  private addServerRbac(server: { name: string; component: string; version: string }): void {
    const labels = commonLabels(server);
    const ns = this.namespace;
    new k8s.KubeServiceAccount(this, 'ServerAccount', { metadata: { name: VELERO_SERVER_NAME, namespace: ns, labels } });
    const reader = 'platform-kit-velero-backup-reader';
    new k8s.KubeClusterRole(this, 'ServerReader', {
      metadata: { name: reader, labels, annotations: { [RBAC_EXEMPTION]: VELERO_RBAC_REASON } },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    });
    bindTo(this, 'ServerReaderBinding', { kind: 'ClusterRole', name: reader, labels }, VELERO_SERVER_NAME, ns);
    // Its own namespace only: its custom resources, the repository password Secret it creates, the maintenance Jobs.
    new k8s.KubeRole(this, 'ServerRole', {
      metadata: { name: VELERO_SERVER_NAME, namespace: ns, labels },
      rules: [
        { apiGroups: ['velero.io'], resources: VELERO_RESOURCES.flatMap((r) => [r, `${r}/status`]), verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'] },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
        { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    });
    bindTo(this, 'ServerRoleBinding', { kind: 'Role', name: VELERO_SERVER_NAME, labels }, VELERO_SERVER_NAME, ns);
  }

  private addNodeAgentRbac(agent: { name: string; component: string; version: string }): void {
    const labels = commonLabels(agent);
    const ns = this.namespace;
    const account = 'velero-node-agent';
    new k8s.KubeServiceAccount(this, 'NodeAgentAccount', { metadata: { name: account, namespace: ns, labels } });
    const reader = 'platform-kit-velero-node-agent';
    new k8s.KubeClusterRole(this, 'NodeAgentReader', {
      metadata: { name: reader, labels },
      rules: [{ apiGroups: [''], resources: ['pods', 'persistentvolumeclaims', 'persistentvolumes', 'nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    bindTo(this, 'NodeAgentReaderBinding', { kind: 'ClusterRole', name: reader, labels }, account, ns);
    new k8s.KubeRole(this, 'NodeAgentRole', {
      metadata: { name: account, namespace: ns, labels },
      rules: [
        { apiGroups: ['velero.io'], resources: ['podvolumebackups', 'podvolumebackups/status', 'podvolumerestores', 'podvolumerestores/status', 'datauploads', 'datauploads/status', 'datadownloads', 'datadownloads/status', 'backuprepositories', 'backupstoragelocations'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    });
    bindTo(this, 'NodeAgentRoleBinding', { kind: 'Role', name: account, labels }, account, ns);
  }

  /**
   * The custom resources, under `scope` (a `needs-velero` unit): the BackupStorageLocation, one Schedule per entry,
   * and the volume policy that makes file-system backups skip the database directories their dumps cover (live
   * InnoDB files copied one by one are not a consistent backup).
   */
  addCustomResources(scope: Construct, schedules: readonly VeleroScheduleConfig[], skipNfs: readonly { server: string; path: string }[]): void {
    const ns = this.namespace;
    const labels = commonLabels({ name: VELERO_SERVER_NAME, component: 'backup-config' });
    new ApiObject(scope, 'BackupStorageLocation', {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name: BACKUP_STORAGE_LOCATION, namespace: ns, labels },
      spec: {
        provider: 'aws',
        default: true,
        objectStorage: { bucket: this.objectStore.bucket, ...(this.objectStore.prefix ? { prefix: this.objectStore.prefix } : {}) },
        config: { region: this.objectStore.region, s3Url: this.objectStore.url, s3ForcePathStyle: 'true' },
        credential: { name: this.credentialsSecret, key: DEFAULT_VELERO.credentialsKey },
      },
    });
    if (skipNfs.length > 0) {
      new k8s.KubeConfigMap(this, 'VolumePolicy', {
        metadata: { name: VOLUME_POLICY_CONFIG_MAP, namespace: ns, labels },
        data: {
          'policy.yaml': yamlForEveryReader({
            version: 'v1',
            volumePolicies: skipNfs.map((nfs) => ({ conditions: { nfs: { server: nfs.server, path: nfs.path } }, action: { type: 'skip' } })),
          }),
        },
      });
    }
    const group = new Construct(scope, 'Schedules');
    for (const s of schedules) {
      new ApiObject(group, s.name, {
        apiVersion: 'velero.io/v1',
        kind: 'Schedule',
        metadata: { name: s.name, namespace: ns, labels },
        spec: {
          schedule: s.schedule,
          template: {
            ttl: s.ttl,
            storageLocation: BACKUP_STORAGE_LOCATION,
            includedNamespaces: [...s.includedNamespaces],
            ...(s.excludedNamespaces.length > 0 ? { excludedNamespaces: [...s.excludedNamespaces] } : {}),
            defaultVolumesToFsBackup: s.fileSystemBackup,
            ...(skipNfs.length > 0 ? { resourcePolicy: { kind: 'configmap', name: VOLUME_POLICY_CONFIG_MAP } } : {}),
          },
        },
      });
    }
  }
}

/** Binds a (Cluster)Role of the same name to one ServiceAccount of the Velero namespace. */
function bindTo(scope: Construct, id: string, role: { kind: 'Role' | 'ClusterRole'; name: string; labels: Record<string, string> }, account: string, namespace: string): void {
  const props = {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: role.kind, name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
  };
  if (role.kind === 'Role') new k8s.KubeRoleBinding(scope, id, { metadata: { name: role.name, namespace, labels: role.labels }, ...props });
  else new k8s.KubeClusterRoleBinding(scope, id, { metadata: { name: role.name, labels: role.labels }, ...props });
}

/** The namespace quota, exactly what runs: the server (or its init step), a node-agent per node, and the maintenance Jobs (the server's resources). */
function veleroQuota(server: ContainerResources, agent: ContainerResources, nodes: number) {
  const sum = (pick: (r: ContainerResources) => string | undefined) =>
    // A pod asks for the larger of its init step (the plugin copy) and its containers, as Kubernetes counts it.
    Math.max(parseQuantity(pick(server) ?? '0'), parseQuantity(pick(PLUGIN_COPY_RESOURCES) ?? '0'))
    + parseQuantity(pick(server) ?? '0') * MAINTENANCE_JOBS + parseQuantity(pick(agent) ?? '0') * nodes;
  // Rounded to a micro-core first: 0.1 + 0.05 is not exactly 0.15 in floating point.
  const cpu = (v: number) => `${Math.ceil(Math.round(v * 1e6) / 1e3)}m`;
  const mem = (v: number) => `${Math.ceil(v / 2 ** 20)}Mi`;
  return {
    cpu: cpu(sum((r) => r.requests.cpu)),
    memory: mem(sum((r) => r.requests.memory)),
    limitsCpu: cpu(sum((r) => r.limits.cpu ?? r.requests.cpu)),
    limitsMemory: mem(sum((r) => r.limits.memory)),
    pods: 1 + nodes + MAINTENANCE_JOBS + 2,
  };
}
