/**
 * The one table of container images Platform Kit ships: one row per image, across every part (observability, MySQL,
 * apps). Every construct takes its default image from here, `npm run versions` prints it with whether each line's
 * support has ended, and test/versions.test.ts keeps it equal to the images found in dist/.
 *
 * Each row says which upstream release line the tag is on, until when upstream patches that line, and where that fact
 * comes from (the project's own repository: tags, changelog, release notes or published support policy). Where
 * upstream promises no end date, `supportEnds` is NEWEST_RELEASE: the line is patched only while it is the newest, so
 * the report tells you to check for a newer one instead of giving a date. Facts checked on 2026-12-01.
 *
 * To move one pin: edit its row (tag, line, supportEnds, source), then `npm run synth`, review the diff of dist/ and
 * `--plan`, and apply. README "Upgrading" lists the pins that move together.
 */
import { imageName, ImageRef } from './core/security';

/** `repository:tag` for an image pin, refusing an unpinned one (the one renderer: core's imageName). */
export const imageRef: (pin: ImageRef) => string = imageName;

/** Upstream promises no end date: a line is patched while it is the newest release. */
export const NEWEST_RELEASE = 'newest release';

export interface PinnedImage extends ImageRef {
  /** The upstream release line the tag belongs to, e.g. "3.13 (LTS)". */
  readonly line: string;
  /** ISO date (YYYY-MM-DD) the line's support ends, or NEWEST_RELEASE. */
  readonly supportEnds: string;
  /** Where the tag and the support fact come from. */
  readonly source: string;
  /** The part that deploys it (for the report). */
  readonly usedBy: string;
  /**
   * Why the pin stays although its line has ended (the recorded reason the guide asks for), and what moves it.
   * @default - none: a pin whose line has ended is a test failure
   */
  readonly keptBecause?: string;
  /**
   * Where the image is built, for an image this repository builds and the user pushes (no upstream publishes it):
   * the row's repository is then a placeholder the user replaces in platform.yaml.
   * @default - an upstream image
   */
  readonly builtFrom?: string;
}

/** Harbor's images: one release, one tag, pinned together (goharbor/harbor publishes every component per release). */
const HARBOR_RELEASE = {
  tag: 'v2.15.2',
  line: '2.15',
  // Harbor maintains its three newest minor lines; none has a published end date.
  supportEnds: NEWEST_RELEASE,
  source: 'goharbor/harbor release v2.15.2 (2026-07); RELEASES.md "Minor Release Support Matrix": the three newest ' +
    'minor lines are maintained',
  usedBy: 'registry',
} as const;

/** Velero and its AWS plugin: the release whose CRDs the project validates against (schemas/crds/velero-v1.14.1). */
const VELERO_KEPT_BECAUSE = 'the Velero CRDs this project validates against and installs are v1.14.1 (copied from ' +
  '../shared/crds, which has no newer release); moving the pin means replacing those CRDs with the new release\'s ' +
  'and moving velero and velero-plugin-for-aws together (docs/backup.md "Versions"). Velero is only deployed when ' +
  'backup.velero.objectStore is set.';

/** Every pinned image, in report order: the default platform.yaml's, then those of parts it leaves off. */
export const IMAGES = {
  prometheus: {
    repository: 'prom/prometheus',
    tag: 'v3.13.5',
    line: '3.13 (LTS)',
    // "until July 2027": the first day of that month is taken, so the report warns early rather than late.
    supportEnds: '2027-07-01',
    source: 'prometheus/prometheus CHANGELOG "3.13.5 / 2026-10-21"; 3.13.0 release notes (2026-07-01): "a Long Term Support ' +
      'release" (prometheus.io/docs/introduction/release-cycle: supported until July 2027; 3.5 LTS ended July 2026)',
    usedBy: 'observability',
  },
  alertmanager: {
    repository: 'prom/alertmanager',
    tag: 'v0.35.0',
    line: '0.35',
    supportEnds: NEWEST_RELEASE,
    source: 'prometheus/alertmanager CHANGELOG "0.35.0 / 2026-11-09" (no LTS: fixes land in the newest minor)',
    usedBy: 'observability',
  },
  nodeExporter: {
    repository: 'prom/node-exporter',
    tag: 'v1.12.1',
    line: '1.12',
    supportEnds: NEWEST_RELEASE,
    source: 'prometheus/node_exporter CHANGELOG "1.12.1 / 2026-07-14"; newest tag v1.12.1 (Go module proxy, 2026-11-25)',
    usedBy: 'observability',
  },
  kubeStateMetrics: {
    repository: 'registry.k8s.io/kube-state-metrics/kube-state-metrics',
    tag: 'v2.20.0',
    line: '2.20 (client-go 1.36)',
    supportEnds: NEWEST_RELEASE,
    // One pin covers 1.27-1.36: built with client-go v0.36 (the forward check), and the collectors we enable
    // (KUBE_STATE_METRICS_RESOURCES: core/v1 and apps/v1 only) exist unchanged on 1.27, our floor.
    source: 'kubernetes/kube-state-metrics CHANGELOG "v2.20.0 / 2026-08-16" (client-go v0.36.3); README compatibility ' +
      'matrix v2.20.0 -> v1.36 and "the maintainers will only support the latest release"',
    usedBy: 'observability',
  },
  loki: {
    repository: 'grafana/loki',
    tag: '3.7.8',
    line: '3.7',
    supportEnds: NEWEST_RELEASE,
    source: 'grafana/loki PR #24587 "docs: Loki 3.7.8 Release Notes" (2026-09-17); newest v3 module version v3.7.8 ' +
      '(Go module proxy, 2026-11-25)',
    usedBy: 'observability',
  },
  alloy: {
    repository: 'grafana/alloy',
    tag: 'v1.21.2',
    line: '1.21',
    supportEnds: NEWEST_RELEASE,
    source: 'grafana/alloy release v1.21.2 (2026-10-22); Alloy docs "Release cadence" (a minor every three weeks) and ' +
      '"Backward compatibility" (GA configuration stable across 1.x)',
    usedBy: 'observability',
  },
  grafana: {
    repository: 'grafana/grafana',
    tag: '13.2.0',
    line: '13.2',
    // Grafana supports each minor release for 9 months from its release date (the last minor of a major for 15).
    supportEnds: '2027-05-18',
    source: 'grafana/grafana CHANGELOG "13.2.0 (2026-08-18)" (security release, CVE-2026-17183); Grafana docs ' +
      '"upgrade-guide/when-to-upgrade": each minor is supported for 9 months',
    usedBy: 'observability',
  },
  mysqldExporter: {
    repository: 'prom/mysqld-exporter',
    tag: 'v0.20.0',
    line: '0.20',
    supportEnds: NEWEST_RELEASE,
    source: 'prometheus/mysqld_exporter CHANGELOG "0.20.0 / 2026-08-12" (config file format unchanged since 0.15)',
    usedBy: 'mysql (metrics sidecar), observability dashboards',
  },
  mysql: {
    repository: 'mysql',
    tag: '8.4.11',
    line: '8.4 (LTS)',
    // Oracle Lifetime Support: 5 years of premier support from 8.4.0 GA (2024-04-30).
    supportEnds: '2029-04-30',
    source: 'docker-library/official-images library/mysql tags "8.4.11, 8.4, 8"; MySQL 8.4 manual 1.3 "MySQL Releases: ' +
      'Innovation and LTS" (an LTS series gets 5 years of premier support)',
    usedBy: 'mysql',
  },
  busybox: {
    repository: 'busybox',
    tag: '1.38.0',
    line: '1.38',
    supportEnds: NEWEST_RELEASE,
    source: 'docker-library/busybox versions.json: "latest" 1.38.0 (2026-05-13) and "latest-1" 1.37.0 are the only ' +
      'lines still built; 1.36 images are no longer rebuilt',
    usedBy: 'apps (wait init container), backup (the etcd snapshot rotation step)',
  },
  etcd: {
    repository: 'gcr.io/etcd-development/etcd',
    tag: 'v3.6.16',
    line: '3.6',
    // etcd patches the two newest minor lines; no end date is published for a line.
    supportEnds: NEWEST_RELEASE,
    source: 'etcd-io/etcd releases: v3.6.16 (the go.etcd.io/etcd/server/v3 tag the control-plane tier builds, ' +
      'tools/control-plane/etcd/go.mod); etcd docs "Supported versions": the two latest minor releases are maintained',
    usedBy: 'backup (etcdctl snapshot save / etcdutl snapshot status)',
  },
  velero: {
    repository: 'velero/velero',
    tag: 'v1.14.1',
    line: '1.14',
    // At the latest on the day 1.18.0 was out: with 1.16, 1.17 and 1.18 released, 1.14 is not among the three newest.
    supportEnds: '2026-05-08',
    source: 'vmware-tanzu/velero RELEASES.md: "release branches for the three most recent minor releases, each ' +
      'maintained for approximately 9 months"; 1.17.0 (helm chart velero 11.0.0) and 1.18.0 (packaged 2026-05-08) are out',
    usedBy: 'backup (with backup.velero.objectStore)',
    keptBecause: VELERO_KEPT_BECAUSE,
  },
  veleroAwsPlugin: {
    repository: 'velero/velero-plugin-for-aws',
    tag: 'v1.10.1',
    line: '1.10 (pairs with Velero 1.14)',
    supportEnds: '2026-05-08',
    source: 'vmware-tanzu/velero-plugin-for-aws README compatibility table: v1.10.x is the line for Velero v1.14.x; ' +
      'it is supported as long as its Velero line',
    usedBy: 'backup (with backup.velero.objectStore)',
    keptBecause: VELERO_KEPT_BECAUSE,
  },
  harborCore: { repository: 'docker.io/goharbor/harbor-core', ...HARBOR_RELEASE },
  harborPortal: { repository: 'docker.io/goharbor/harbor-portal', ...HARBOR_RELEASE },
  harborRegistry: { repository: 'docker.io/goharbor/registry-photon', ...HARBOR_RELEASE },
  harborRegistryctl: { repository: 'docker.io/goharbor/harbor-registryctl', ...HARBOR_RELEASE },
  harborJobservice: { repository: 'docker.io/goharbor/harbor-jobservice', ...HARBOR_RELEASE },
  harborTrivy: { repository: 'docker.io/goharbor/trivy-adapter-photon', ...HARBOR_RELEASE },
  harborDatabase: { repository: 'docker.io/goharbor/harbor-db', ...HARBOR_RELEASE },
  // 2.15.2 ships Valkey (the Redis fork, same protocol and config file) in place of redis-photon.
  harborRedis: { repository: 'docker.io/goharbor/valkey-photon', ...HARBOR_RELEASE },
  harborExporter: { repository: 'docker.io/goharbor/harbor-exporter', ...HARBOR_RELEASE },
  nginxUnprivileged: {
    repository: 'nginxinc/nginx-unprivileged',
    tag: '1.30.4-alpine',
    line: '1.30 (stable)',
    // nginx patches only the current stable (even) and mainline (odd) branches; a stable branch ends when the next
    // one is cut (each April), so there is no promised date.
    supportEnds: NEWEST_RELEASE,
    source: 'nginx/docker-nginx-unprivileged update.sh "stable 1.30.4, mainline 1.31.3" (2026-07-15); 1.27 was a ' +
      'mainline branch, closed when 1.28 stable was cut',
    usedBy: 'apps (the example app in platform.yaml), websites (the nginx of every website pod)',
  },
  gitSync: {
    repository: 'registry.k8s.io/git-sync/git-sync',
    tag: 'v4.7.1',
    line: '4.x',
    // git-sync publishes no support policy: fixes land in the newest v4 release.
    supportEnds: NEWEST_RELEASE,
    source: 'kubernetes/git-sync tags: v4.7.1 (2026-07-06) is the newest v4 release; README "v4" flags --repo, --ref, ' +
      '--period, --root, --link, --http-bind',
    usedBy: 'websites (the git-sync container of every website pod)',
  },
  websiteController: {
    // Not an upstream image: you build controller/website/ and push it (docs/websites.md); `.invalid` (RFC 2606) makes
    // the placeholder unmistakable, and synth says so until websites.controller.image names your registry.
    repository: 'registry.example.invalid/platform-kit/website-controller',
    tag: '0.1.0',
    line: '0.1 (this repository)',
    supportEnds: NEWEST_RELEASE,
    source: 'built from controller/website/ in this repository (its package.json version); no upstream publishes it',
    usedBy: 'websites (the controller; websites.controller.image)',
    builtFrom: 'controller/website/Dockerfile',
  },
} as const satisfies Record<string, PinnedImage>;

export type ImageName = keyof typeof IMAGES;

/** The image of one row, as `{ repository, tag }` (what constructs take as their `image` default). */
export function imagePin(name: ImageName): ImageRef {
  const { repository, tag } = IMAGES[name];
  return { repository, tag };
}
