import { sectionTypeIn } from '../config/schema-types';
import { Construct } from 'constructs';
import { bool, int, JsonSchema, object, str } from '../config/schema-helpers';
import { ProblemList, show } from '../core/errors';
import { HostFile } from '../output/host-file';
import { definePart, LoadedConfig, sectionOf } from '../parts/platform-part';
import { AUDIT_POLICY_FILE, AuditLogSettings, auditPolicyYaml, auditReadme } from './audit-policy';
import { checkEviction, kubeletEvictionYaml, nodeEvictions } from './kubelet-eviction';
import type { HostConfig } from './config.generated';

// The section's type is generated from hostSchema (`npm run schema`).
export type { HostConfig } from './config.generated';

export const DEFAULT_AUDIT_LOG: AuditLogSettings = { path: '/var/log/kubernetes/audit/audit.log', maxAgeDays: 7, maxBackups: 5, maxSizeMb: 100 };
export const DEFAULT_EVICTION = { nodefsAvailable: '10%', imagefsAvailable: '15%' } as const;

export const hostSchema: JsonSchema = object(
  {
    audit: object(
      {
        enabled: bool('Write the API server audit policy and its flags (dist/host/kube-apiserver/) and let Alloy collect the log.', true),
        path: str('Audit log file on the control-plane nodes.', { format: 'absolute-path', default: DEFAULT_AUDIT_LOG.path }),
        maxAgeDays: int('Days the API server keeps rotated audit logs.', { minimum: 1, default: DEFAULT_AUDIT_LOG.maxAgeDays }),
        maxBackups: int('Rotated audit log files kept.', { minimum: 1, default: DEFAULT_AUDIT_LOG.maxBackups }),
        maxSizeMb: int('Size at which the audit log is rotated, MB.', { minimum: 1, default: DEFAULT_AUDIT_LOG.maxSizeMb }),
      },
      { default: {}, description: 'API server auditing.' },
    ),
    kubelet: object(
      {
        eviction: object(
          {
            memoryAvailable: str('Hard memory eviction threshold for every node. Default: 5% of each node\'s memory, at least 100Mi, at most half of cluster.reservedPerNode.memory (refused when it leaves no room for pods or exceeds cluster.reservedPerNode.memory).', { format: 'quantity' }),
            nodefsAvailable: str('Hard threshold of the node filesystem (percentage).', { default: DEFAULT_EVICTION.nodefsAvailable }),
            imagefsAvailable: str('Hard threshold of the image filesystem (percentage).', { default: DEFAULT_EVICTION.imagefsAvailable }),
          },
          { default: {}, description: 'Kubelet eviction thresholds, per node from cluster.nodes (dist/host/kubelet/<node>/).' },
        ),
      },
      { default: {}, description: 'Kubelet settings.' },
    ),
  },
  { default: {}, description: 'Node-side configuration written to dist/host/ (README, "Node-side files"); kubectl never applies it.' },
);

/**
 * Node-side files: the API server audit policy with the flags and mounts that enable it, and each node's kubelet
 * eviction thresholds. It builds no unit chart (nothing here is a Kubernetes object): only {@link HostFile}s.
 */
export const hostPart = definePart({
  key: 'host',
  schema: hostSchema,
  configType: sectionTypeIn('host', 'HostConfig', undefined, 'lib/host/part.ts'),
  checkConfig: (h: HostConfig, { whole, problems }) => checkHost(h, whole, problems),
  build: ({ scope, config: h, platform }) => {
    const files = new Construct(scope as Construct, 'HostFiles');
    if (h.audit.enabled) {
      new HostFile(files, 'AuditPolicy', { path: 'kube-apiserver/audit-policy.yaml', content: auditPolicyYaml(), installTo: `control-plane nodes, ${AUDIT_POLICY_FILE} (kube-apiserver/README.md says how to enable it)` });
      new HostFile(files, 'AuditReadme', { path: 'kube-apiserver/README.md', content: auditReadme(h.audit), installTo: 'read it: the kube-apiserver flags and mounts that enable auditing' });
    }
    for (const e of nodeEvictions(platform.cluster, h.kubelet.eviction)) {
      new HostFile(files, `Eviction-${e.node}`, {
        path: `kubelet/${e.node}/kubelet-eviction.yaml`,
        installTo: `node ${e.node} only: merge into /var/lib/kubelet/config.yaml (kubeadm) and restart the kubelet; k3s: the same keys as kubelet-arg`,
        content: kubeletEvictionYaml(e),
      });
    }
    return { files };
  },
});

function checkHost(h: HostConfig, whole: LoadedConfig, problems: ProblemList): void {
  if (!h.audit.path.endsWith('.log') || h.audit.path.split('/').length < 3) {
    problems.add(`host.audit.path: ${show(h.audit.path)} must be a .log file in a directory of its own (example: ${show(DEFAULT_AUDIT_LOG.path)}); Alloy tails that directory.`);
  }
  checkEviction(h.kubelet.eviction, whole.cluster, problems);
}

/** The audit log the API server writes, when the description turns auditing on (what Alloy collects). */
export function auditLogOf(whole: LoadedConfig): { readonly dir: string; readonly file: string } | undefined {
  const h = sectionOf(hostPart, whole);
  if (!h?.audit?.enabled) return undefined;
  const i = h.audit.path.lastIndexOf('/');
  return { dir: h.audit.path.slice(0, i), file: h.audit.path.slice(i + 1) };
}
