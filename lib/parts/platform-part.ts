import { Construct } from 'constructs';
import { ClusterConfig } from '../config/cluster';
import { JsonSchema } from '../config/schema-helpers';
import { ProblemList } from '../core/errors';
import { ExposedHost } from '../network/entry-point';
import { FlowPort, PodsPeer } from '../network/peer';

/**
 * The whole description as a part's config checks see it: the cluster, and every section by its key (already
 * validated against its schema and completed with its defaults). A part reads another part's section only through
 * that part's own typed accessor (e.g. `tenantNames(whole)` from tenancy), never by spelling its key.
 */
export interface LoadedConfig {
  readonly cluster: ClusterConfig;
  readonly [section: string]: unknown;
}

/** Pods a part offers to Prometheus: one scrape job, discovered by pod label in one namespace. */
export interface ScrapeTarget {
  /** Scrape job name (also the `job` label dashboards and alerts select on). */
  readonly job: string;
  /** The pods, as a flow peer (namespace and selector). */
  readonly pods: PodsPeer;
  /** Value of the pods' `app.kubernetes.io/name` label, which the job's discovery keeps. */
  readonly app: string;
  /** Container port (number) or port name (string) of the metrics endpoint. */
  readonly port: FlowPort;
  /** Why Prometheus reaches it (written on the flow's policies). */
  readonly description: string;
}

/** One key of a {@link FirstTimeSecret}. */
export interface SecretKey {
  readonly key: string;
  /** What it holds, in a few words. */
  readonly description: string;
  /** `random`: any strong random value will do (printed as `openssl rand`); `provided`: it comes from elsewhere. */
  readonly value: 'random' | 'provided';
  /** Longest value the reader accepts (MySQL replication passwords: 32). @default - no limit */
  readonly maxLength?: number;
  /** A value that is not secret and usually fine (`admin` for a login name). @default - none */
  readonly suggested?: string;
}

/** A Secret that Platform Kit references but never writes (no secret value is ever in dist/): created once, by hand. */
export interface FirstTimeSecret {
  readonly namespace: string;
  readonly name: string;
  /** @default 'generic' */
  readonly type?: 'generic' | 'tls';
  readonly keys: readonly SecretKey[];
  /** Which workload reads it. */
  readonly readBy: string;
  /** The platform.yaml key that names it, so the reader knows where to rename it. */
  readonly configKey: string;
}

/** Data a part keeps on a volume that a backup must cover. */
export interface BackupVolume {
  readonly namespace: string;
  /** The claim the data lives on (a StatefulSet claim for ordinal N is `<template>-<set>-N`). */
  readonly claim: string;
  /** The PersistentVolume pre-bound to it, where the part creates one. */
  readonly persistentVolume?: string;
  /** Where the data lives when it is an NFS export (Velero's volume policies match NFS volumes by server and path). @default - not NFS */
  readonly nfs?: { readonly server: string; readonly path: string };
  readonly description: string;
  /**
   * How the part itself already protects the data: `dump` — a consistent logical dump by the named CronJob (a live
   * database directory copied file by file is inconsistent, so file-system backups skip it); `holds-backups` — the
   * volume is itself a backup target (dumps, snapshots).
   * @default - nothing: the backup part must cover it (a Velero file-system backup, or an explicit "not backed up")
   */
  readonly protectedBy?: { readonly kind: 'dump'; readonly cronJob: string } | { readonly kind: 'holds-backups' };
}

/** One Prometheus alerting rule a part offers (the rule-file format). */
export interface OfferedAlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'critical' | 'warning' };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** A group of alerting rules a part offers; Prometheus evaluates it with the platform's own groups. */
export interface OfferedAlertRuleGroup {
  /** Group name, unique across the platform (`platform-kit.<part>`). */
  readonly name: string;
  readonly rules: readonly OfferedAlertRule[];
}

/** A Grafana dashboard a part offers (the dashboard JSON model); Grafana provisions it from its own ConfigMap. */
export interface OfferedDashboard {
  /** File name Grafana sees, a DNS label plus `.json` (`backups.json`). */
  readonly file: string;
  readonly dashboard: { readonly [key: string]: unknown };
}

/** What a part offers the rest of the platform; the pipeline gathers the offers of every part. */
export interface PartOffers {
  readonly scrapeTargets?: readonly ScrapeTarget[];
  /** Namespaces whose pods annotated `prometheus.io/scrape: "true"` Prometheus may discover and reach. */
  readonly annotatedScrapeNamespaces?: readonly string[];
  readonly firstTimeSecrets?: readonly FirstTimeSecret[];
  readonly backupVolumes?: readonly BackupVolume[];
  /** HTTPS hosts the part serves through the platform's entry point (the gateway part routes and admits them). */
  readonly exposedHosts?: readonly ExposedHost[];
  readonly alertRuleGroups?: readonly OfferedAlertRuleGroup[];
  readonly dashboards?: readonly OfferedDashboard[];
}

/** Every part's offers, merged in list order. */
export interface GatheredOffers {
  readonly scrapeTargets: readonly ScrapeTarget[];
  readonly annotatedScrapeNamespaces: readonly string[];
  readonly firstTimeSecrets: readonly FirstTimeSecret[];
  readonly backupVolumes: readonly BackupVolume[];
  readonly exposedHosts: readonly ExposedHost[];
  readonly alertRuleGroups: readonly OfferedAlertRuleGroup[];
  readonly dashboards: readonly OfferedDashboard[];
}

/** What a part's config checks get besides their own section. */
export interface ConfigCheckContext {
  readonly whole: LoadedConfig;
  readonly problems: ProblemList;
  /** Namespaces every enabled part manages, with the keys of the parts that claim each. */
  readonly namespaceOwners: ReadonlyMap<string, readonly string[]>;
}

/** What a part's `build` gets. */
export interface PartContext<C> {
  /** Where the part adds its unit chart(s) (the App). */
  readonly scope: Construct;
  /** The part's own section, validated and completed. */
  readonly config: C;
  /** The whole description (cluster and every section). */
  readonly platform: LoadedConfig;
  /**
   * The typed output of a part listed (and so built) before this one, or undefined when that part is not in the
   * list or is disabled. Asking for a part listed later is a programming error and throws.
   */
  outputOf<O>(part: PlatformPart<any, O>): O | undefined;
}

/** What `connect` gets: the build context plus every part's offers. */
export interface ConnectContext<C> extends PartContext<C> {
  readonly offers: GatheredOffers;
}

/**
 * One part of the platform (tenancy, MySQL, observability, an app set, the registry…): everything the pipeline needs
 * from it. The ordered list of parts (`PLATFORM_PARTS`) drives the config loader and `platform.schema.json` (`key`,
 * `schema`, `checkConfig`, `namespaces`), `buildPlatform` (`build`, in list order, then `connect`), and everything the
 * parts offer each other (`offers`: Prometheus' scrape targets, the first-time Secrets, the volumes to back up). The
 * Argo CD inventory is read from the unit charts the parts build.
 */
export interface PlatformPart<C = any, O = unknown, K extends string = string> {
  /** Key of its section in platform.yaml (`mysql`, `observability`). */
  readonly key: K;
  /** JSON schema of the section, with its `default` when the section may be omitted. */
  readonly schema: JsonSchema;
  /** Whether the section must be present. @default false */
  readonly required?: boolean;
  /** Whether the part deploys anything for this config. @default - always */
  enabled?(config: C): boolean;
  /** Namespaces the part creates and manages (default-deny, flows write policies there; tenants may not take them). */
  namespaces?(config: C): readonly string[];
  /** Cross-field checks, run after every section passed its schema; problems name the platform.yaml path. */
  checkConfig?(config: C, ctx: ConfigCheckContext): void;
  /** Lines to print after a successful synth (warnings that are not errors); `output` is undefined when disabled. */
  notices?(config: C, output: O | undefined): readonly string[];
  /** Builds the part's unit chart(s) under `ctx.scope`; returns what later parts may connect to. */
  build(ctx: PartContext<C>): O;
  /** What it offers the other parts (scrape targets, first-time Secrets, backup volumes, exposed hosts, alert rules, dashboards). */
  offers?(output: O, config: C): PartOffers;
  /**
   * Runs once every part (and any code-composed extension) is built, in list order, with every part's offers: a
   * consumer adds what it was offered (Prometheus its scrape targets; Argo CD an Application per unit chart).
   */
  connect?(output: O, ctx: ConnectContext<C>): void;
}

/** Declares a part; the identity function keeps the literal `key` type, so the config type can be derived from the list. */
export function definePart<const K extends string, C, O>(part: PlatformPart<C, O, K>): PlatformPart<C, O, K> {
  return part;
}

/** The section type of a part. */
export type SectionOf<P> = P extends PlatformPart<infer C, any, any> ? C : never;

/** The config type of a list of parts: `cluster` plus one section per part, by key. */
export type ConfigOfParts<Parts extends readonly PlatformPart<any, any, string>[]> = { readonly cluster: ClusterConfig } & {
  readonly [P in Parts[number] as P['key']]: SectionOf<P>;
};

/** Every part's offers, merged in list order. */
export function gatherOffers(all: readonly PartOffers[]): GatheredOffers {
  return {
    scrapeTargets: all.flatMap((o) => o.scrapeTargets ?? []),
    annotatedScrapeNamespaces: all.flatMap((o) => o.annotatedScrapeNamespaces ?? []),
    firstTimeSecrets: all.flatMap((o) => o.firstTimeSecrets ?? []),
    backupVolumes: all.flatMap((o) => o.backupVolumes ?? []),
    exposedHosts: all.flatMap((o) => o.exposedHosts ?? []),
    alertRuleGroups: all.flatMap((o) => o.alertRuleGroups ?? []),
    dashboards: all.flatMap((o) => o.dashboards ?? []),
  };
}

/** A part's section of the loaded config (parts read only their own). */
export function sectionOf<C>(part: PlatformPart<C, any>, whole: LoadedConfig): C {
  return whole[part.key] as C;
}

/** Whether the part deploys anything for the loaded config. */
export function isEnabled(part: PlatformPart<any, any>, whole: LoadedConfig): boolean {
  return part.enabled ? part.enabled(sectionOf(part, whole)) : true;
}

/**
 * Namespaces the enabled parts manage, with the keys of the parts that claim each (more than one is a conflict).
 * `tolerant` (the loader, on a config the schema refused): a part whose section is too broken to answer is left out.
 */
export function managedNamespaceOwners(parts: readonly PlatformPart<any, any>[], whole: LoadedConfig, tolerant = false): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  const namespacesOf = (part: PlatformPart<any, any>): readonly string[] => {
    if (!part.namespaces) return [];
    try {
      return isEnabled(part, whole) ? part.namespaces(sectionOf(part, whole)) : [];
    } catch (e) {
      if (tolerant) return [];
      throw e;
    }
  };
  for (const part of parts) {
    for (const ns of namespacesOf(part)) {
      const list = owners.get(ns) ?? [];
      if (!list.includes(part.key)) list.push(part.key);
      owners.set(ns, list);
    }
  }
  return owners;
}
