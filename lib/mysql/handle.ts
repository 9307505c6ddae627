import { PlatformContext } from '../platform-context';
import { MySqlCluster } from './cluster';

/** Key of the MySQL cluster in `ctx.handles`. */
export const MYSQL_HANDLE = 'mysql';

/** Registers the cluster so units built after it (observability, apps) can connect to it. */
export function registerMySqlHandle(ctx: PlatformContext, cluster: MySqlCluster): void {
  ctx.handles.set(MYSQL_HANDLE, cluster);
}

/**
 * The platform's MySQL cluster, or undefined when `mysql.enabled` is false. Units after the MySQL unit use it to
 * connect: `mysqlHandle(ctx)?.exporterPeer()` and `.metricsPortName` for the Prometheus scrape flow,
 * `.primaryPods()` / `.primaryService.host` for an app that writes, `.addClient(peer)` to open port 3306.
 */
export function mysqlHandle(ctx: PlatformContext): MySqlCluster | undefined {
  const handle = ctx.handles.get(MYSQL_HANDLE);
  if (handle === undefined) return undefined;
  if (!(handle instanceof MySqlCluster)) throw new Error(`ctx.handles.get('${MYSQL_HANDLE}') is not a MySqlCluster; only the MySQL unit may register it.`);
  return handle;
}
