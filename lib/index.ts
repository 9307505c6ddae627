/**
 * Platform Kit's public API: the constructs, the part contract and the pipeline (load → build → check → write).
 * `package.json` `main`/`types` point at the compiled form of this file; everything a TypeScript user composes
 * comes from here, and the README's examples import only this module.
 */

// The pipeline.
export { loadConfigFile, parseConfig } from './config/load';
export type { LoadOptions } from './config/load';
export { platformSchemaOf } from './config/platform-config';
export type { PlatformConfig } from './config/platform-config';
export type { ClusterConfig, NodeConfig } from './config/cluster';
export { buildPlatform, buildPlatformWith } from './pipeline/build-platform';
export type { BuildOptions, BuiltPlatform } from './pipeline/build-platform';
export { attachPlatformChecks } from './pipeline/platform-checks';
export { synthesize } from './pipeline/synthesize';
export type { SynthResult } from './pipeline/synthesize';
export { writeOutput } from './output/write';
export { layoutFiles } from './output/layout';
export type { OutputFile } from './output/layout';
export { UserError } from './core/errors';
export { runCli } from './cli';
export type { CliIo } from './cli';

// The part contract and the parts of the default platform.
export { PLATFORM_PARTS, platformParts } from './parts';
export { definePart } from './parts/platform-part';
export { renderSchemaTypes } from './config/schema-types';
export type { ConfigTypeSpec, SharedConfigType } from './config/schema-types';
// The shapes several sections share; a generated file outside lib/ imports them from here.
export type { ContainerResources, CpuMemory } from './config/common.generated';
export type {
  BackupVolume, ConfigCheckContext, ConnectContext, FirstTimeSecret, GatheredOffers, LoadedConfig, OfferedAlertRule,
  OfferedAlertRuleGroup, OfferedDashboard, PartContext, PartOffers, PlatformPart, ScrapeTarget, SecretGeneration, SecretKey,
} from './parts/platform-part';
export { tenancyPart, tenantsOf } from './tenancy/part';
export { mysqlPart } from './mysql/part';
export { observabilityPart } from './observability/part';
export type { ObservabilityStack } from './observability/part';
export { appsPart } from './apps/part';
export { backupPart } from './backup/part';
export type { BackupOutput } from './backup/part';
export { gitopsPart } from './gitops/part';
export { entryPointOf, gatewayPart } from './traffic/part';
export type { GatewayOutput } from './traffic/part';
export { registryPart } from './registry/part';
export type { RegistryOutput } from './registry/part';
export { hostPart } from './host/part';

// Units and connections.
export { PlatformChart } from './output/platform-chart';
export { HostFile } from './output/host-file';
export type { HostFileProps } from './output/host-file';
export type { PlatformChartProps } from './output/platform-chart';
export { Flow } from './network/flow';
export type { FlowProps, FlowSides } from './network/flow';
export { Peers, Port } from './network/peer';
export type { FlowPort, IPeerable, Peer } from './network/peer';
export { ManagedNamespaces } from './network/managed-namespaces';
export { IngressRoute } from './network/ingress-route';
export type { IngressRouteProps } from './network/ingress-route';
export { GatewayEntry, IngressEntry, tlsSecretOffer } from './network/entry-point';
export type { ControllerMadeService, EntryBackend, EntryPoint, ExposedHost, ExposeProps, GatewayEntryProps, IngressEntryProps } from './network/entry-point';
export { PlatformGateway } from './traffic/gateway';
export type { PlatformGatewayProps } from './traffic/gateway';

// Constructs.
export { NamespaceBaseline } from './tenancy/namespace-baseline';
export type { DnsSettings, NamespaceBaselineProps, PodSecuritySettings } from './tenancy/namespace-baseline';
export { TenantNamespace } from './tenancy/tenant-namespace';
export type { TenantNamespaceProps } from './tenancy/tenant-namespace';
export { MySqlCluster } from './mysql/cluster';
export type { MySqlClusterProps } from './mysql/cluster';
export { Replicas, WebApp } from './apps/web-app';
export type { WebAppCanary, WebAppProps } from './apps/web-app';
export { LocalStorageClass, LocalVolume } from './storage/local-volume';
export { NfsStorageClass, NfsVolume, NfsVolumeClaim } from './storage/nfs-volume';
export { Alertmanager } from './observability/alertmanager';
export { Alloy, AlloyEvents } from './observability/alloy';
export { Grafana } from './observability/grafana';
export { KubeStateMetrics } from './observability/kube-state-metrics';
export { Loki } from './observability/loki';
export { NodeExporter } from './observability/node-exporter';
export { Prometheus } from './observability/prometheus';

// Websites (issue 14): the Website custom resource and its controller.
export { websitesPart } from './websites/part';
export type { WebsitesOutput } from './websites/part';
export { Website } from './websites/website';
export type { WebsiteProps } from './websites/website';
export { WebsiteController } from './websites/controller';
export type { WebsiteControllerProps } from './websites/controller';
export { WebsiteCrd, WEBSITE_API_VERSION, WEBSITE_CRD_NAME, WEBSITE_KIND } from './websites/website-crd';
export { ControllerPods } from './core/controller-pods';
export type { ControllerPodsProps } from './core/controller-pods';
export { InjectedContainers } from './core/injected-containers';
export type { InjectedContainersProps, InjectedResources, ResourceAnnotations } from './core/injected-containers';
