import { NetworkPolicyEvaluator, PodModel } from '../../lib/checks/network/evaluator';
import { find } from './helpers';

/** A pod of a synthesized workload, as the NetworkPolicy evaluator models it (labels and container ports). */
export function podOf(objects: readonly any[], kind: string, name: string, namespace: string): PodModel {
  const m = find(objects, kind, name, namespace);
  return {
    namespace, name, labels: m.spec.template.metadata.labels,
    ports: m.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol }))),
  };
}

/** The evaluator over the synthesized policies, with the cluster's own namespaces (controllers, DNS) that Platform Kit never creates. */
export function evaluatorOf(objects: readonly any[]): NetworkPolicyEvaluator {
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => ({ name: o.metadata.name, labels: o.metadata.labels }));
  return new NetworkPolicyEvaluator(objects.filter((o) => o.kind === 'NetworkPolicy'), [...namespaces, { name: 'ingress-nginx' }, { name: 'nginx-gateway' }, { name: 'kube-system' }]);
}
