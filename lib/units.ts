import { PlatformChartProps } from './output/platform-chart';

/**
 * The deployable units in apply order. Each is one chart, one folder of dist/ and one Argo CD child Application
 * whose sync wave is the same number, so `kubectl apply -R -f dist/platform` (lexical order) and Argo CD apply
 * in the same order: namespaces and storage first, then data, then observability, then apps.
 */
export const UNITS = {
  tenancy: { folder: 'platform/10-tenancy', wave: 10, description: 'Tenant namespaces with their baseline (Pod Security, quota, limits, network policy, RBAC)' },
  mysql: { folder: 'platform/20-mysql', wave: 20, description: 'MySQL: replicated StatefulSet on static NFS volumes, backups, metrics' },
  observability: { folder: 'platform/30-observability', wave: 30, description: 'Observability: Loki, Grafana Alloy, Prometheus, Alertmanager, exporters, Grafana' },
  /** Apps get one unit each: `platform/40-app-<name>`. */
  app: (name: string, description: string): PlatformChartProps => ({ folder: `platform/40-app-${name}`, wave: 40, description }),
  /** Argo CD objects need Argo CD's CRDs, so they never sit under platform/. */
  gitops: { folder: 'argocd', wave: 0, description: 'Argo CD app-of-apps: AppProject, root and child Applications' },
} as const;
