import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { matchesLabelSelector } from '../checks/network/selector';
import { ExposedHost } from '../network/entry-point';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/**
 * Every backend of every exposed host is a Service in the host's namespace whose selector picks the pods of exactly
 * one workload: with a canary, a Service that also matched the other version's pods would silently undo the split,
 * and one that matched none would turn its share of the requests into errors. A backend a mesh splits (`meshSplit`)
 * selects every version and only needs to select some workload.
 *
 * The one allowance: a backend whose Service a controller creates at run time (`madeBy`, e.g. the website
 * controller's `<name>-website`) is not in the tree, so the object the controller makes it from must be — in the
 * host's namespace, of that kind and name. What that Service selects is then the controller's to get right (its own
 * tests cover it), not something this check can see.
 */
export function backendProblems(root: IConstruct, hosts: readonly ExposedHost[]): string[] {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && (c.kind === 'Service' || WORKLOAD_KINDS.includes(c.kind)));
  const manifests = objects.map((o) => o.toJson());
  const problems: string[] = [];
  for (const host of hosts) {
    for (const backend of host.backends) {
      const at = `https://${host.host} (${host.namespace}/${host.name}): backend Service ${backend.service}`;
      if (backend.madeBy) {
        const by = backend.madeBy;
        const source = root.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.apiVersion === by.apiVersion && c.kind === by.kind
          && c.metadata.namespace === host.namespace && c.name === by.name);
        if (!source) problems.push(`${at} is created by ${by.controller} from ${by.kind} ${host.namespace}/${by.name}, which is not in the platform; the route would answer with errors — add the ${by.kind} or remove the route.`);
        continue;
      }
      const service = manifests.find((m) => m.kind === 'Service' && m.metadata?.namespace === host.namespace && m.metadata?.name === backend.service);
      if (!service) {
        problems.push(`${at} does not exist in namespace ${host.namespace}; the route would answer its share with errors — create it or remove the backend.`);
        continue;
      }
      const selector = service.spec?.selector;
      const owners = manifests
        .filter((m) => WORKLOAD_KINDS.includes(m.kind) && m.metadata?.namespace === host.namespace)
        .filter((m) => selector !== undefined && matchesLabelSelector({ matchLabels: selector }, m.spec?.template?.metadata?.labels))
        .map((m) => `${m.kind}/${m.metadata.name}`);
      // A Service a mesh splits by subset selects every version; its DestinationRule proves each subset (IstioCanary).
      if (backend.meshSplit ? owners.length === 0 : owners.length !== 1) {
        problems.push(`${at} selects the pods of ${owners.length === 0 ? 'no workload' : owners.join(' and ')}; each backend must select exactly one workload's pods (give each version its own instance label).`);
      }
    }
  }
  return problems;
}
