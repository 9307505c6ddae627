/** Small builders for NetworkPolicy evaluator tests: manifests as plain JSON, pods and connections. */
import { Connection, ContainerPortModel, Endpoint, PodModel } from '../../../lib/checks/network/evaluator';

export function policy(namespace: string, name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec,
  };
}

export function pod(
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
  extra: { ports?: ContainerPortModel[]; ip?: string } = {},
): PodModel {
  return { namespace, name, labels, ...extra };
}

export function tcp(from: PodModel | string, to: PodModel | string, port: number): Connection {
  return { from: endpoint(from), to: endpoint(to), port };
}

export function udp(from: PodModel | string, to: PodModel | string, port: number): Connection {
  return { from: endpoint(from), to: endpoint(to), port, protocol: 'UDP' };
}

export function endpoint(value: PodModel | string): Endpoint {
  return typeof value === 'string' ? { ip: value } : { pod: value };
}
