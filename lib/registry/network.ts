import { Construct } from 'constructs';
import { fitFlowName, Flow } from '../network/flow';
import { FlowPort, Peers, Port } from '../network/peer';
import { RegistryConfig } from './config';
import { HARBOR_PORTS } from './defaults';
import { HARBOR, HarborIdentity } from './component';

type Component = keyof typeof HARBOR;

/**
 * Every connection between Harbor's components, declared once (both policy sides are written: the namespace is
 * managed). Anything not listed is denied by the namespace's default-deny, also inside the namespace. The ingress
 * controller's flows come with the exposure, Prometheus' with the scrape offers.
 */
export function addHarborFlows(scope: Construct, r: RegistryConfig): Flow[] {
  const ns = r.namespace;
  const http = [Port.tcp(HARBOR_PORTS.http)];
  const db = [Port.tcp(HARBOR_PORTS.database)];
  const redis = [Port.tcp(HARBOR_PORTS.redis)];
  const registry = [Port.tcp(HARBOR_PORTS.registry), Port.tcp(HARBOR_PORTS.http)];
  const trivy = r.trivy.enabled;
  const edges: Array<[Component, Component, FlowPort[], string]> = [
    ['core', 'database', db, 'core keeps projects, users and artifacts in PostgreSQL'],
    ['core', 'redis', redis, 'core caches sessions and artifact data in Redis'],
    ['core', 'registry', registry, 'core proxies /v2/ to the registry and calls registryctl'],
    ['core', 'jobservice', http, 'core submits replication, scan and GC jobs'],
    ['jobservice', 'core', http, 'jobs report status to core and read its configuration'],
    ['jobservice', 'registry', registry, 'replication and garbage collection use the registry and registryctl'],
    ['jobservice', 'redis', redis, 'the job queue lives in Redis'],
    ['jobservice', 'database', db, 'job logs and task records are kept in PostgreSQL'],
    ['registry', 'redis', redis, 'the registry caches layer metadata in Redis'],
    ['exporter', 'core', http, 'the exporter reads health and statistics from core'],
    ['exporter', 'database', db, 'the exporter counts projects and artifacts in PostgreSQL'],
    ['exporter', 'redis', redis, 'the exporter reads job queue lengths from Redis'],
    ...(trivy ? [
      ['core', 'trivy', http, 'core asks the Trivy adapter for scan reports'],
      ['jobservice', 'trivy', http, 'scan jobs submit images to the Trivy adapter'],
      ['trivy', 'core', http, 'Trivy pulls the layers it scans from core\'s /v2/'],
      ['trivy', 'redis', redis, 'the Trivy adapter queues scans and stores reports in Redis'],
    ] as Array<[Component, Component, FlowPort[], string]> : []),
  ];
  const flows = edges.map(([from, to, ports, why]) => harborFlow(scope, ns, HARBOR[from], HARBOR[to], ports, why));
  // Out of the cluster only to the listed addresses, and only over HTTPS.
  const leaving: Component[] = ['core', 'jobservice', ...(trivy && r.trivy.dbRepository !== undefined ? ['trivy' as Component] : [])];
  for (const from of leaving) {
    r.egressCidrs.forEach((cidr) => {
      flows.push(new Flow(scope, `${HARBOR[from].name}-to-${cidr}`, {
        name: fitFlowName(`allow-${HARBOR[from].name}-egress-${cidr.replace(/[./]/g, '-')}`),
        from: HARBOR[from].pods(ns),
        to: Peers.cidr(cidr, `egress-${cidr}`),
        ports: [Port.tcp(443)],
        description: `${HARBOR[from].name} reaches upstream registries and replication targets (registry.egressCidrs)`,
      }));
    });
  }
  return flows;
}

/** The flow between two Harbor components of namespace `ns` (its name says both). */
export function harborFlow(scope: Construct, ns: string, from: HarborIdentity, to: HarborIdentity, ports: FlowPort[], description: string): Flow {
  return new Flow(scope, `${from.component}-to-${to.component}`, {
    name: fitFlowName(`allow-${from.name}-to-${to.component}`),
    from: from.pods(ns),
    to: to.pods(ns),
    ports,
    description,
  });
}
