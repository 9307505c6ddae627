/**
 * The Website controller's entry point: read the configuration, serve /metrics, /healthz and /readyz, campaign for
 * the Lease, and run the controller only while leading. SIGTERM or SIGINT: stop the work, release the Lease so the
 * other replica takes over at once, exit 0. Losing the Lease: exit 1, and the kubelet restarts the pod as a
 * candidate (client-go's controllers do the same: a leader that cannot renew must not keep acting).
 */
import { realClock } from './clock';
import { ConfigError, loadConfig, type ControllerConfig } from './config';
import { Controller } from './controller';
import { deploymentInformer, leaseApi, loadKubeConfig, serviceInformer, websiteClient, websiteInformer } from './kube-client';
import { LeaderElector } from './leader-election';
import { jsonLogger } from './log';
import { Metrics } from './metrics';
import { startHttpServer } from './http-server';
import { WorkQueue } from './workqueue';

/** The longest a graceful shutdown may take before the process exits anyway (the pod's grace period is 30 s). */
const SHUTDOWN_TIMEOUT_MS = 20_000;

function configOrExit(): ControllerConfig {
  try {
    return loadConfig(process.env, process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = jsonLogger(config.logLevel);
  let kc;
  try {
    kc = loadKubeConfig(config.kubeconfig);
  } catch (e) {
    process.stderr.write(`error: cannot load the Kubernetes client configuration (${(e as Error).message}). Fix: run in a pod with a ServiceAccount token, or set KUBECONFIG / --kubeconfig.\n`);
    process.exit(1);
  }
  const queue = new WorkQueue(realClock);
  const metrics = new Metrics(() => queue.depth);
  const elector = new LeaderElector({ api: leaseApi(kc, config.podNamespace, config.leaseName), identity: config.podName, clock: realClock, log });
  let controller: Controller | undefined;
  const server = await startHttpServer(config.metricsAddress, metrics, {
    healthy: () => true,
    ready: () => !elector.isLeader || controller?.hasSynced === true,
  });
  log.info('starting', { identity: config.podName, lease: `${config.podNamespace}/${config.leaseName}`, namespaces: config.namespaces, metrics: `${server.address.address}:${server.address.port}` });

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error('shutdown took too long; exiting', { ms: SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    elector.stop();
    await controller?.stop();
    await elector.release();
    metrics.setLeader(false);
    await server.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const outcome = await elector.run(() => {
    metrics.setLeader(true);
    controller = new Controller({
      client: websiteClient(kc),
      config,
      clock: realClock,
      log,
      metrics,
      queue,
      websites: websiteInformer(kc),
      deployments: config.namespaces.map((ns) => deploymentInformer(kc, ns)),
      services: config.namespaces.map((ns) => serviceInformer(kc, ns)),
    });
    controller.start().catch((e) => {
      log.error('the controller could not start', { error: e });
      process.exit(1);
    });
  });
  if (outcome === 'lost' && !shuttingDown) {
    metrics.setLeader(false);
    await Promise.race([controller?.stop(), new Promise((r) => setTimeout(r, 5_000))]);
    log.error('lost the lease; exiting so that this replica restarts as a candidate');
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
