import { clusterOverviewDashboard } from './cluster-overview';
import { Dashboard } from './common';
import { logsDashboard } from './logs';
import { mysqlDashboard } from './mysql';
import { namespaceWorkloadsDashboard } from './namespace-workloads';

export { clusterOverviewDashboard, logsDashboard, mysqlDashboard, namespaceWorkloadsDashboard };
export type { Dashboard } from './common';
export { DASHBOARD_SCHEMA_VERSION } from './common';

/** All platform dashboards keyed by file name (for the dashboards ConfigMap), in a stable order. */
export function platformDashboards(): Record<string, Dashboard> {
  return {
    'cluster-overview.json': clusterOverviewDashboard(),
    'namespace-workloads.json': namespaceWorkloadsDashboard(),
    'mysql.json': mysqlDashboard(),
    'logs.json': logsDashboard(),
  };
}

/** A dashboard serialised the way it is stored in the ConfigMap. */
export function dashboardJson(d: Dashboard): string {
  return JSON.stringify(d, null, 2) + '\n';
}
