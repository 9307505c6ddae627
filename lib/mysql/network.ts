import { Construct } from 'constructs';
import { fitFlowName, Flow, kebab } from '../network/flow';
import { describePeer, IPeerable, Peer, Port, resolvePeer } from '../network/peer';
import type { MySqlCluster } from './cluster';

/** The plain construct that holds the cluster's flows (ids are per peer, so they stay stable). */
function flows(cluster: MySqlCluster): Construct {
  return (cluster.node.tryFindChild('Flows') as Construct | undefined) ?? new Construct(cluster, 'Flows');
}

/**
 * Members reach each other on the MySQL port: replicas stream the binary log from the primary and clone it (the
 * clone plugin uses the server port). The namespace does not allow same-namespace traffic, so this is all they get.
 */
export function addMemberFlows(cluster: MySqlCluster): void {
  new Flow(flows(cluster), 'Members', {
    name: 'allow-mysql-members',
    from: cluster.allPods(),
    to: cluster.allPods(),
    ports: [Port.tcp(cluster.port)],
    description: 'members replicate from and clone the primary on the MySQL port',
  });
}

/** A flow from `client` to every member on the MySQL port; returns its name. */
export function addClientFlow(cluster: MySqlCluster, client: Peer | IPeerable, description?: string): string {
  const peer = resolvePeer(client);
  const key = peer.kind === 'pods' && peer.name !== peer.namespace ? `${peer.namespace}-${peer.name}` : peer.name;
  const base = `allow-mysql-client-${kebab(key)}`;
  const name = fitFlowName(base, 8);
  const id = `Client-${(peer.kind === 'cidr' ? peer.cidr : `${peer.kind}-${key}`).replace(/[^A-Za-z0-9]+/g, '-')}`;
  if (flows(cluster).node.tryFindChild(id)) {
    throw new Error(`MySqlCluster ${cluster.node.path}: client ${describePeer(peer)} is already allowed; list each client once.`);
  }
  new Flow(flows(cluster), id, {
    name,
    from: peer,
    to: cluster.allPods(),
    ports: [Port.tcp(cluster.port)],
    description: description ?? `${describePeer(peer)} is a MySQL client (mysql.clients)`,
  });
  return name;
}
