import { PlatformChartProps } from './output/platform-chart';

/**
 * The deployable units in apply order. Each is one chart, one set of files in dist/ and one Argo CD child
 * Application whose sync wave is the same number. A unit a vanilla cluster accepts writes its files to the top level
 * of dist/ as `<folder>.<file>.yaml` (`10-tenancy.00-cluster-scoped.yaml`), so `kubectl apply -f dist` (lexical
 * order) and Argo CD apply in the same order: namespaces and storage first, then data, then observability, then
 * apps. A unit that needs CRDs gets a folder `needs-<what>/`, which `kubectl apply -f dist` skips (lib/output/layout.ts).
 */
export const UNITS = {
  tenancy: { folder: '10-tenancy', wave: 10, description: 'Tenant namespaces with their baseline (Pod Security, quota, limits, network policy, RBAC)' },
  mysql: { folder: '20-mysql', wave: 20, description: 'MySQL: replicated StatefulSet on static NFS volumes, backups, metrics' },
  observability: { folder: '30-observability', wave: 30, description: 'Observability: Loki, Grafana Alloy, Prometheus, Alertmanager, exporters, Grafana' },
  /** Apps get one unit each: `40-app-<name>`. */
  app: (name: string, description: string): PlatformChartProps => ({ folder: `40-app-${name}`, wave: 40, description }),
  /** Argo CD objects need Argo CD's CRDs, so they never sit at the top level of dist/. */
  gitops: { folder: 'needs-argocd', wave: 0, description: 'Argo CD app-of-apps: AppProject, root and child Applications' },
} as const;
