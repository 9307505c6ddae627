import { ISecret, Secret } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { commonLabels, selectorLabels } from '../core/labels';
import { isQuantity, parseQuantity } from '../core/quantity';
import { ContainerResources, ImageRef } from '../core/security';
import { CRON_SCHEDULE, DNS_LABEL, requirePinnedImage, requireValid, TIME_ZONE } from '../core/validate';
import { IPeerable, Peer, Peers, PodsPeer } from '../network/peer';
import { DEFAULT_NFS_MOUNT_OPTIONS, IStorageClassRef, isExportPath, isNfsServer, NfsStorageClass } from '../storage/nfs-volume';
import { QuotaSettings } from '../tenancy/defaults';
import { DnsSettings, NamespaceBaseline } from '../tenancy/namespace-baseline';
import { addBackup, MySqlBackup } from './backup';
import { MySqlBackupConfig } from './config';
import {
  CLAIM_TEMPLATE_NAME, DEFAULT_BACKUP, DEFAULT_BACKUP_RESOURCES, DEFAULT_CREDENTIALS_SECRET, DEFAULT_EXPORT_PATHS,
  DEFAULT_EXPORTER_RESOURCES, DEFAULT_MYSQLD_RESOURCES, DEFAULT_NAMESPACE, DEFAULT_PV_SIZE, DEFAULT_REPLICAS,
  DEFAULT_REQUEST_SIZE, DEFAULT_TERMINATION_GRACE_SECONDS, METRICS_PORT, METRICS_PORT_NAME, MYSQL_IMAGE, MYSQL_PORT,
  MYSQLD_EXPORTER_IMAGE, STATEFULSET_NAME,
} from './defaults';
import { addClientFlow, addMemberFlows } from './network';
import { namespaceLimits } from './quota';
import { bufferPoolBytes, MIN_MYSQLD_MEMORY_LIMIT } from './server-config';
import { addServices, MySqlServiceRef } from './services';
import { addDataVolumes, MySqlDataVolume } from './storage';
import { addServerConfig, addStatefulSet } from './statefulset';

/** Backups of the cluster: a CronJob that dumps a replica (the primary when alone) onto its own NFS export. */
export interface MySqlBackupOptions {
  /** Whether the backup CronJob and its volume exist. @default true */
  readonly enabled?: boolean;
  /** Cron schedule. @default '30 2 * * *' */
  readonly schedule?: string;
  /** Time zone of the schedule (IANA name). @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Days of dumps kept; 0 keeps all. @default 7 */
  readonly retentionDays?: number;
  /** NFS export holding the dumps (its own PV `mysql-backup-pv` and claim `mysql-backup`). @default '/nfs_mysql_backup' */
  readonly exportPath?: string;
  /** Capacity of the backup volume and size of its claim. @default '10Gi' */
  readonly size?: string;
  /** Requests and limits of the backup container. @default DEFAULT_BACKUP_RESOURCES (50m/64Mi, limits 500m/256Mi) */
  readonly resources?: ContainerResources;
}

export interface MySqlClusterProps {
  /**
   * NFS server of the data and backup exports (IPv4 address or DNS name). Required, unlike the other props: a
   * guessed server address would mount someone else's directory.
   */
  readonly nfsServer: string;
  /** Namespace, created here with the tenancy baseline at Pod Security `restricted`. @default 'mysql' */
  readonly namespace?: string;
  /** Members; ordinal 0 is the primary. @default 3 */
  readonly replicas?: number;
  /** MySQL 8.4 server image. @default MYSQL_IMAGE (the `mysql` row of lib/versions.ts) */
  readonly image?: ImageRef;
  /** Metrics sidecar image. @default MYSQLD_EXPORTER_IMAGE (the `mysqldExporter` row of lib/versions.ts) */
  readonly exporterImage?: ImageRef;
  /**
   * One NFS export per member, in ordinal order; at least `replicas` entries. Every entry gets a PV pre-bound to
   * its ordinal's claim, so scaling down and up again reattaches the same data.
   * @default ['/nfs_mysql', '/nfs_mysql1', '/nfs_mysql2']
   */
  readonly exportPaths?: readonly string[];
  /** Mount options of the NFS volumes. @default ['hard', 'nfsvers=4.1'] */
  readonly mountOptions?: readonly string[];
  /** Capacity of each data PV. @default '5Gi' */
  readonly pvSize?: string;
  /** Size each member's claim requests (at most `pvSize`). @default '5Gi' */
  readonly requestSize?: string;
  /** mysqld (and bootstrap init container) resources; the buffer pool is sized from limits.memory. @default DEFAULT_MYSQLD_RESOURCES (200m/256Mi, limits 500m/512Mi) */
  readonly mysqldResources?: ContainerResources;
  /** Exporter sidecar resources. @default DEFAULT_EXPORTER_RESOURCES (10m/32Mi, limits 100m/64Mi) */
  readonly exporterResources?: ContainerResources;
  /**
   * The existing Secret with keys root-password, replication-password, exporter-password, backup-password. It is
   * referenced, never created: no credential reaches dist/.
   * @default - the Secret `mysql-credentials` in the namespace
   */
  readonly credentials?: ISecret;
  /** Who may connect to port 3306 (namespaces or workloads); more with `addClient()`. @default [] */
  readonly clients?: readonly (Peer | IPeerable)[];
  /** Backups. @default - daily at 02:30 UTC, 7 days kept, on export /nfs_mysql_backup */
  readonly backup?: MySqlBackupOptions;
  /** StorageClass the volumes and claims name. @default - a new NfsStorageClass `nfs` is created */
  readonly storageClass?: IStorageClassRef;
  /** Where cluster DNS runs (members resolve `mysql-0.mysql`). @default - kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSettings;
  /** Seconds between SIGTERM and SIGKILL, for a clean InnoDB shutdown. @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /** ResourceQuota fields to override. @default - computed so the members and one backup run fit exactly */
  readonly quota?: Partial<QuotaSettings>;
}

/** Resolved backup settings: the `mysql.backup` section, with any container resources. */
export interface ResolvedBackup extends Omit<MySqlBackupConfig, 'resources'> {
  readonly resources: ContainerResources;
}


/**
 * A replicated MySQL 8.4 cluster on static NFS volumes: a StatefulSet whose ordinal 0 is the GTID primary and whose
 * other members clone from it and replicate (scripts in lib/mysql/scripts), one NFS PV per member pre-bound to that
 * member's claim, the Services `mysql` (headless), `mysql-primary` (writes) and `mysql-read` (reads), a
 * PodDisruptionBudget, a mysqld-exporter sidecar, a backup CronJob, and the flows between them — in a namespace of
 * its own with the tenancy baseline. Credentials come from an existing Secret.
 *
 * Other units connect through the handle (`mysqlHandle(ctx)`): `primaryPods()`, `allPods()`, `exporterPeer()`,
 * the Services and `addClient()`.
 */
export class MySqlCluster extends Construct implements IPeerable {
  public readonly namespace: string;
  public readonly name = STATEFULSET_NAME;
  public readonly replicas: number;
  public readonly image: ImageRef;
  public readonly exporterImage: ImageRef;
  public readonly nfsServer: string;
  public readonly exportPaths: readonly string[];
  public readonly mountOptions: readonly string[];
  public readonly pvSize: string;
  public readonly requestSize: string;
  public readonly mysqldResources: ContainerResources;
  public readonly exporterResources: ContainerResources;
  public readonly credentials: ISecret;
  public readonly backupOptions: ResolvedBackup;
  public readonly storageClassName: string;
  public readonly terminationGracePeriodSeconds: number;
  /** innodb_buffer_pool_size in bytes, from the mysqld memory limit. */
  public readonly bufferPoolBytes: number;
  /** MySQL port (the Services' and the flows'). */
  public readonly port = MYSQL_PORT;
  /** Port of the exporter sidecar and its name (Prometheus discovers pods by the name). */
  public readonly metricsPort = METRICS_PORT;
  public readonly metricsPortName = METRICS_PORT_NAME;
  /** `metadata.name` of the volumeClaimTemplate: claims are `<claimTemplateName>-mysql-<ordinal>`. */
  public readonly claimTemplateName = CLAIM_TEMPLATE_NAME;
  /** Labels of the members' pods that the StatefulSet, Services, PDB and flows select. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The namespace construct (quota, limits, default-deny, DNS flow, RBAC). */
  public readonly namespaceBaseline: NamespaceBaseline;
  /** Headless Service `mysql`: stable names `mysql-N.mysql`, also for members that are not ready yet. */
  public readonly headlessService: MySqlServiceRef;
  /** `mysql-primary`: writes; selects pod `mysql-0` only. */
  public readonly primaryService: MySqlServiceRef;
  /** `mysql-read`: reads; every ready member (replicas are ready only while replicating). */
  public readonly readService: MySqlServiceRef;
  /** The data PVs, by ordinal. */
  public readonly dataVolumes: readonly MySqlDataVolume[];
  /** The backup CronJob and its volume, when enabled. */
  public readonly backup: MySqlBackup | undefined;

  private readonly labelsByComponent: (component: string) => Record<string, string>;

  constructor(scope: Construct, id: string, props: MySqlClusterProps) {
    super(scope, id);
    const at = `MySqlCluster ${this.node.path}`;
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    this.replicas = props.replicas ?? DEFAULT_REPLICAS;
    this.image = props.image ?? MYSQL_IMAGE;
    this.exporterImage = props.exporterImage ?? MYSQLD_EXPORTER_IMAGE;
    this.nfsServer = props.nfsServer;
    this.exportPaths = props.exportPaths ?? DEFAULT_EXPORT_PATHS;
    this.mountOptions = props.mountOptions ?? DEFAULT_NFS_MOUNT_OPTIONS;
    this.pvSize = props.pvSize ?? DEFAULT_PV_SIZE;
    this.requestSize = props.requestSize ?? DEFAULT_REQUEST_SIZE;
    this.mysqldResources = props.mysqldResources ?? DEFAULT_MYSQLD_RESOURCES;
    this.exporterResources = props.exporterResources ?? DEFAULT_EXPORTER_RESOURCES;
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS;
    const backup = props.backup ?? {};
    this.backupOptions = {
      enabled: backup.enabled ?? DEFAULT_BACKUP.enabled,
      schedule: backup.schedule ?? DEFAULT_BACKUP.schedule,
      timeZone: backup.timeZone ?? DEFAULT_BACKUP.timeZone,
      retentionDays: backup.retentionDays ?? DEFAULT_BACKUP.retentionDays,
      exportPath: backup.exportPath ?? DEFAULT_BACKUP.exportPath,
      size: backup.size ?? DEFAULT_BACKUP.size,
      resources: backup.resources ?? DEFAULT_BACKUP_RESOURCES,
    };
    this.validate(at);
    if (this.backupOptions.enabled) requireValid(TIME_ZONE, this.backupOptions.timeZone, `${at}: backup.timeZone`);
    this.bufferPoolBytes = bufferPoolBytes(this.mysqldResources.limits.memory);

    const identity = { name: STATEFULSET_NAME, instance: STATEFULSET_NAME };
    this.selectorLabels = selectorLabels({ ...identity, component: 'database' });
    this.labelsByComponent = (component) => commonLabels({ ...identity, component, version: this.image.tag });

    this.namespaceBaseline = new NamespaceBaseline(this, 'Namespace', {
      name: this.namespace,
      part: 'mysql',
      podSecurity: { enforce: 'restricted', audit: 'restricted', warn: 'restricted' },
      // Members talk to each other through the explicit member flow (3306 only), not "anything in the namespace".
      allowSameNamespace: false,
      // Members, the backup pod and their claims, counted off the pod templates; claims of members removed by
      // scaling down are retained, so the export paths beyond `replicas` keep theirs.
      quotaFromWorkloads: {
        nodeCount: 0, // no DaemonSets here
        extraClaims: { count: this.exportPaths.length - this.replicas, storage: `${(this.exportPaths.length - this.replicas) * parseQuantity(this.requestSize)}` },
      },
      quota: props.quota,
      limits: namespaceLimits(this),
      dns: props.dns,
    });
    this.credentials = props.credentials ?? Secret.fromSecretName(this, 'Credentials', DEFAULT_CREDENTIALS_SECRET);
    const storageClass = props.storageClass ?? new NfsStorageClass(this, 'StorageClass', { labels: this.labels('storage') });
    this.storageClassName = storageClass.name;

    this.dataVolumes = addDataVolumes(this);
    addStatefulSet(this, addServerConfig(this));
    const services = addServices(this);
    this.headlessService = services.headless;
    this.primaryService = services.primary;
    this.readService = services.read;
    addMemberFlows(this);
    this.backup = this.backupOptions.enabled ? addBackup(this) : undefined;
    for (const client of props.clients ?? []) this.addClient(client);
  }

  /** @deprecated The MySQL namespace is no tenant's; use `namespaceBaseline` (the same construct). */
  get tenantNamespace(): NamespaceBaseline {
    return this.namespaceBaseline;
  }

  /** Labels for an object of this cluster: the common set plus the component. */
  labels(component: string): Record<string, string> {
    return this.labelsByComponent(component);
  }

  /** Every member's pods (primary and replicas). */
  allPods(): PodsPeer {
    return Peers.pods(this.namespace, { ...this.selectorLabels }, 'mysql');
  }

  /** The primary's pod (`mysql-0`): what writers connect to through `mysql-primary`. */
  primaryPods(): PodsPeer {
    return Peers.pods(this.namespace, { ...this.selectorLabels, 'statefulset.kubernetes.io/pod-name': `${STATEFULSET_NAME}-0` }, 'mysql-primary');
  }

  /** The pods serving metrics on port `metrics` (the exporter sidecars): for the Prometheus scrape flow. */
  exporterPeer(): PodsPeer {
    return Peers.pods(this.namespace, { ...this.selectorLabels }, 'mysql-exporter');
  }

  toPeer(): Peer {
    return this.allPods();
  }

  /**
   * Lets `client` connect to every member on the MySQL port (the egress side is written in the client's namespace
   * when Platform Kit manages it, the ingress side here). Returns the flow's name.
   */
  addClient(client: Peer | IPeerable, description?: string): string {
    return addClientFlow(this, client, description);
  }

  private validate(at: string): void {
    requireValid(DNS_LABEL, this.namespace, `${at}: namespace`);
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw new Error(`${at}: replicas ${show(this.replicas)} must be a whole number of at least 1 (1 = a primary without replicas).`);
    }
    if (!isNfsServer(this.nfsServer)) {
      throw new Error(`${at}: nfsServer ${show(this.nfsServer)} is not an IPv4 address or DNS name (example: "10.10.10.101").`);
    }
    if (this.exportPaths.length < this.replicas) {
      throw new Error(`${at}: ${this.exportPaths.length} export path(s) for ${this.replicas} replicas; every member needs its own NFS export. Add export paths or lower replicas to ${this.exportPaths.length}.`);
    }
    const seen = new Set<string>();
    for (const path of [...this.exportPaths, ...(this.backupOptions.enabled ? [this.backupOptions.exportPath] : [])]) {
      if (!isExportPath(path)) throw new Error(`${at}: export path ${show(path)} is not an absolute path without "..", spaces or a trailing "/" (example: "/nfs_mysql").`);
      if (seen.has(path)) throw new Error(`${at}: export path ${show(path)} is listed twice; members and backups each need their own export.`);
      seen.add(path);
    }
    for (const [field, size] of [['pvSize', this.pvSize], ['requestSize', this.requestSize], ['backup.size', this.backupOptions.size]] as const) {
      if (!isQuantity(size) || parseQuantity(size) <= 0) throw new Error(`${at}: ${field} ${show(size)} is not a positive Kubernetes quantity (example: "5Gi").`);
    }
    if (parseQuantity(this.requestSize) > parseQuantity(this.pvSize)) {
      throw new Error(`${at}: requestSize ${show(this.requestSize)} is larger than pvSize ${show(this.pvSize)}; the claims would never bind. Lower requestSize or raise pvSize.`);
    }
    if (parseQuantity(this.mysqldResources.limits.memory) < MIN_MYSQLD_MEMORY_LIMIT) {
      throw new Error(`${at}: mysqld memory limit ${show(this.mysqldResources.limits.memory)} is below 384Mi; mysqld needs about 320Mi besides its buffer pool. Raise it.`);
    }
    requirePinnedImage(this.image, `${at}: image`, MYSQL_IMAGE);
    requirePinnedImage(this.exporterImage, `${at}: exporterImage`, MYSQLD_EXPORTER_IMAGE);
    if (!Number.isInteger(this.backupOptions.retentionDays) || this.backupOptions.retentionDays < 0) {
      throw new Error(`${at}: backup.retentionDays ${show(this.backupOptions.retentionDays)} must be a whole number >= 0 (0 keeps every dump).`);
    }
    if (this.backupOptions.enabled) requireValid(CRON_SCHEDULE, this.backupOptions.schedule, `${at}: backup.schedule`);
    if (!Number.isInteger(this.terminationGracePeriodSeconds) || this.terminationGracePeriodSeconds < 30) {
      throw new Error(`${at}: terminationGracePeriodSeconds ${show(this.terminationGracePeriodSeconds)} must be a whole number of at least 30; a SIGKILL before InnoDB has flushed means crash recovery on the next start.`);
    }
  }
}

