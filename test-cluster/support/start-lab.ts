import { stringify } from 'yaml';
import { ClusterConfig } from '../../lib/config/cluster';
import { buildBinaries, ControlPlane } from './control-plane';
import { labAddons, labNodes } from './lab';

/**
 * A started control plane that is the cluster of a platform.yaml: its nodes registered and Ready (kwok), and the
 * add-ons the platform expects from the cluster (CoreDNS stand-in, the ingress controller's namespace).
 */
export async function startLab(cluster: ClusterConfig, auditPolicyFile?: string): Promise<ControlPlane> {
  const plane = new ControlPlane(buildBinaries());
  try {
    await setUp(plane, cluster, auditPolicyFile);
  } catch (e) {
    // Nobody else holds the processes yet: stop them here, whatever happens.
    await plane.stop();
    throw e;
  }
  return plane;
}

async function setUp(plane: ControlPlane, cluster: ClusterConfig, auditPolicyFile: string | undefined): Promise<void> {
  await plane.start(cluster, auditPolicyFile);
  const nodes = labNodes(cluster);
  for (const node of nodes) {
    await plane.kubectlOk(['create', '-f', '-'], JSON.stringify({ ...node, status: undefined }));
    // A kubelet reports its capacity through the status subresource; so does the harness, once.
    await plane.kubectlOk(['patch', 'node', node.metadata.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: node.status })]);
  }
  await plane.waitFor('kwok (nodes Ready)', async () => {
    const list = await plane.getJson(['get', 'nodes']);
    return list.items.length === nodes.length && list.items.every((n: any) => n.status.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
  }, 60_000);
  await plane.kubectlOk(['apply', '--server-side', '--field-manager=lab', '-f', '-'], labAddons(cluster).map((m) => stringify(m)).join('---\n'));
}
