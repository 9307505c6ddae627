import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { commonLabels, selectorLabels } from '../core/labels';
import { HardenedInitContainerProps, hardenedPodSpec } from '../core/hardened-pod';
import { ContainerResources, imageName, ImageRef } from '../core/security';
import { fitFlowName, Flow, kebab } from '../network/flow';
import { Peer, Peers, Port } from '../network/peer';
import { NFS_STORAGE_CLASS, NfsVolume, NfsVolumeClaim } from '../storage/nfs-volume';
import { BACKUP_UID, DEFAULT_ETCD, DEFAULT_ETCD_RESOURCES, ETCD_CLIENT_PORT, ETCD_IMAGE, ETCD_SECRET_KEYS, SHELL_IMAGE } from './defaults';

export const ETCD_SNAPSHOT_NAME = 'etcd-snapshot';
export const ETCD_SNAPSHOT_PV_NAME = 'etcd-snapshots-pv';
export const ETCD_SNAPSHOT_CLAIM_NAME = 'etcd-snapshots';
/** Where the snapshot export is mounted in the job, and where the client certificate is. */
export const ETCD_PATHS = { snapshots: '/snapshots', client: '/etc/etcd-client' };

/** One etcd member to snapshot: a control-plane node. */
export interface EtcdMember {
  readonly name: string;
  readonly ip: string;
}

export interface EtcdSnapshotProps {
  readonly namespace: string;
  /** The control-plane nodes; each one's etcd is snapshotted at `https://<ip>:2379`. */
  readonly members: readonly EtcdMember[];
  /** NFS server of the snapshot export. */
  readonly nfsServer: string;
  /** NFS export holding the snapshots. @default '/nfs_etcd_backup' */
  readonly exportPath?: string;
  /** Capacity of the snapshot volume. @default '5Gi' */
  readonly size?: string;
  /** Cron schedule. @default '0 *\/6 * * *' (every six hours) */
  readonly schedule?: string;
  /** Time zone of the schedule. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** Snapshots kept per member. @default 8 (two days at the default schedule) */
  readonly keep?: number;
  /** Secret with the etcd CA and client pair (keys in ETCD_SECRET_KEYS), created once by hand. @default 'etcd-backup-client' */
  readonly clientSecret?: string;
  /** @default ETCD_IMAGE */
  readonly image?: ImageRef;
  /** @default SHELL_IMAGE */
  readonly shellImage?: ImageRef;
  /** Requests and limits of each container. @default DEFAULT_ETCD_RESOURCES */
  readonly resources?: ContainerResources;
  /** Mount options of the NFS volume. @default DEFAULT_NFS_MOUNT_OPTIONS */
  readonly mountOptions?: readonly string[];
}

/**
 * Filing step: moves each verified `incoming-<member>.db` to `<member>/etcd-<member>-<UTC time>.db` and keeps the
 * newest $KEEP per member. It runs only after every save and verify init container succeeded, so a failed run never
 * files (or prunes for) a snapshot that was not verified.
 */
export const FILE_SNAPSHOTS_SCRIPT = [
  'set -eu',
  'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
  'for member in $MEMBERS; do',
  '  mkdir -p "$SNAPSHOT_DIR/$member"',
  '  mv "$SNAPSHOT_DIR/incoming-$member.db" "$SNAPSHOT_DIR/$member/etcd-$member-$stamp.db"',
  '  ls -1 "$SNAPSHOT_DIR/$member"/etcd-*.db | sort -r | tail -n +$((KEEP + 1)) | xargs -r rm -f',
  '  echo "filed $member/etcd-$member-$stamp.db; kept $(ls -1 "$SNAPSHOT_DIR/$member"/etcd-*.db | wc -l)"',
  'done',
].join('\n');

/**
 * etcd snapshots for a kubeadm cluster, without host access: a CronJob whose pod, at Pod Security "restricted",
 * runs `etcdctl snapshot save` against each control-plane node's etcd (`https://<ip>:2379`, one init container
 * per member, with the client certificate from a Secret made once from /etc/kubernetes/pki), verifies each file with
 * `etcdutl snapshot status`, and files them on its own NFS export (pre-bound PV, Retain), keeping the newest `keep`.
 * The etcd image has no shell, so the save and verify steps are init containers and only the filing step uses one.
 */
export class EtcdSnapshot extends Construct {
  public readonly namespace: string;
  public readonly members: readonly EtcdMember[];
  public readonly exportPath: string;
  public readonly size: string;
  public readonly schedule: string;
  public readonly timeZone: string;
  public readonly keep: number;
  public readonly clientSecret: string;
  public readonly volume: NfsVolume;
  public readonly claim: NfsVolumeClaim;
  public readonly cronJob: k8s.KubeCronJob;
  /** The job's pods, as a flow peer. */
  public readonly pods: Peer;

  constructor(scope: Construct, id: string, props: EtcdSnapshotProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.members = props.members;
    this.exportPath = props.exportPath ?? DEFAULT_ETCD.exportPath;
    this.size = props.size ?? DEFAULT_ETCD.size;
    this.schedule = props.schedule ?? DEFAULT_ETCD.schedule;
    this.timeZone = props.timeZone ?? DEFAULT_ETCD.timeZone;
    this.keep = props.keep ?? DEFAULT_ETCD.keep;
    this.clientSecret = props.clientSecret ?? DEFAULT_ETCD.clientSecret;
    const image = imageName(props.image ?? ETCD_IMAGE);
    const resources = props.resources ?? DEFAULT_ETCD_RESOURCES;
    if (this.members.length === 0) throw new Error('EtcdSnapshot: members is empty; give the control-plane nodes (cluster.nodes with role control-plane).');
    if (!Number.isInteger(this.keep) || this.keep < 1) throw new Error(`EtcdSnapshot: keep ${show(this.keep)} must be a whole number >= 1 (the newest N snapshots per member are kept).`);

    const identity = { name: ETCD_SNAPSHOT_NAME, component: 'backup', version: (props.image ?? ETCD_IMAGE).tag };
    const labels = commonLabels(identity);
    const stable = commonLabels({ ...identity, version: undefined });
    this.pods = Peers.pods(this.namespace, selectorLabels(identity), ETCD_SNAPSHOT_NAME);

    this.volume = new NfsVolume(this, 'Volume', {
      name: ETCD_SNAPSHOT_PV_NAME,
      server: props.nfsServer,
      path: this.exportPath,
      capacity: this.size,
      storageClass: { name: NFS_STORAGE_CLASS },
      reclaimPolicy: 'Retain',
      ...(props.mountOptions ? { mountOptions: props.mountOptions } : {}),
      claim: { namespace: this.namespace, name: ETCD_SNAPSHOT_CLAIM_NAME },
      labels: stable,
    });
    this.claim = new NfsVolumeClaim(this, 'Claim', { name: ETCD_SNAPSHOT_CLAIM_NAME, namespace: this.namespace, volume: this.volume, labels: stable });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: ETCD_SNAPSHOT_NAME, namespace: this.namespace, labels },
      automountServiceAccountToken: false,
    });

    const tls = [
      `--cacert=${ETCD_PATHS.client}/${ETCD_SECRET_KEYS.ca}`,
      `--cert=${ETCD_PATHS.client}/${ETCD_SECRET_KEYS.cert}`,
      `--key=${ETCD_PATHS.client}/${ETCD_SECRET_KEYS.key}`,
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'snapshots', mountPath: ETCD_PATHS.snapshots },
      { name: 'client', mountPath: ETCD_PATHS.client, readOnly: true },
    ];
    const incoming = (m: EtcdMember) => `${ETCD_PATHS.snapshots}/incoming-${m.name}.db`;
    const initContainers: HardenedInitContainerProps[] = this.members.flatMap((m) => [
      {
        name: containerName('save', m.name),
        image,
        command: ['/usr/local/bin/etcdctl', `--endpoints=https://${m.ip}:${ETCD_CLIENT_PORT}`, ...tls, '--command-timeout=5m', 'snapshot', 'save', incoming(m)],
        resources,
        volumeMounts: mounts,
      },
      {
        name: containerName('verify', m.name),
        image,
        command: ['/usr/local/bin/etcdutl', 'snapshot', 'status', incoming(m), '--write-out=table'],
        resources,
        volumeMounts: [mounts[0]],
      },
    ]);

    this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: ETCD_SNAPSHOT_NAME, namespace: this.namespace, labels },
      spec: {
        schedule: this.schedule,
        timeZone: this.timeZone,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 5,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 1800,
            template: {
              metadata: { labels },
              spec: hardenedPodSpec({
                restartPolicy: 'Never',
                serviceAccountName: ETCD_SNAPSHOT_NAME,
                enableServiceLinks: false,
                uid: BACKUP_UID,
                initContainers,
                containers: [{
                  name: 'file',
                  image: imageName(props.shellImage ?? SHELL_IMAGE),
                  command: ['/bin/sh', '-c', FILE_SNAPSHOTS_SCRIPT],
                  env: [
                    { name: 'MEMBERS', value: this.members.map((m) => m.name).join(' ') },
                    { name: 'KEEP', value: String(this.keep) },
                    { name: 'SNAPSHOT_DIR', value: ETCD_PATHS.snapshots },
                  ],
                  resources,
                  volumeMounts: [mounts[0]],
                }],
                volumes: [
                  { name: 'snapshots', persistentVolumeClaim: { claimName: ETCD_SNAPSHOT_CLAIM_NAME } },
                  {
                    name: 'client',
                    secret: {
                      secretName: this.clientSecret,
                      defaultMode: 0o440,
                      items: Object.values(ETCD_SECRET_KEYS).map((key) => ({ key, path: key })),
                    },
                  },
                ],
              }),
            },
          },
        },
      },
    });

    // etcd listens on each control-plane node's address; the job reaches exactly those, on 2379.
    for (const m of this.members) {
      new Flow(this, `ToEtcd${m.name}`, {
        name: fitFlowName(`allow-etcd-snapshot-${kebab(m.name.replace(/\./g, '-'))}`),
        from: this.pods,
        to: Peers.cidr(`${m.ip}/32`, `etcd on ${m.name}`),
        ports: [Port.tcp(ETCD_CLIENT_PORT)],
        description: `the snapshot job saves ${m.name}'s etcd (etcdctl snapshot save)`,
      });
    }
  }
}

/** A container name from a step and a node name: a DNS label of at most 63 characters (node names may hold dots). */
function containerName(step: string, node: string): string {
  return `${step}-${node.replace(/\./g, '-')}`.slice(0, 63).replace(/-+$/, '');
}
