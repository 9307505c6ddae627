import { InjectedContainers } from '../core/injected-containers';
import { allContainers, namespaceUsage, resourcesOf, WorkloadShare } from '../core/pod-templates';
import { formatBytes, formatCpu, parseQuantity } from '../core/quantity';
import { SECURITY_EXEMPTION } from '../core/security';
import { SynthesizedObject } from '../output/synthesized';
import { ConfigKeys, NO_CONFIG_KEYS, QUOTA_FIELDS } from './config-keys';
import { checkPodSecurity, PodSecurityLevel } from './pod-security';
import { TreeIndex } from './tree-index';
import { PodTemplate, podTemplates } from './tree-pod-templates';

export { resourcesOf } from '../core/pod-templates';

export { SECURITY_EXEMPTION };

/**
 * Every pod template meets the Pod Security `enforce` level of the namespace it is created in. Messages name the
 * platform.yaml entry that made the workload (`apps[0]`) and the tenant's level key, when `keys` knows them.
 */
export function checkPodSecurityLevels(objects: readonly SynthesizedObject[], keys: ConfigKeys = NO_CONFIG_KEYS): string[] {
  const index = TreeIndex.of(objects);
  const levels = new Map<string, PodSecurityLevel>();
  for (const o of index.ofKind('Namespace')) {
    levels.set(o.manifest.metadata.name, o.manifest.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'privileged');
  }
  const problems: string[] = [];
  for (const t of index.podTemplates) {
    const level = levels.get(t.namespace);
    if (level === undefined) {
      problems.push(`${t.ref}: namespace ${t.namespace} is not created by Platform Kit, so its Pod Security level is unknown; deploy into a tenant namespace.`);
      continue;
    }
    const app = keys.app(t.namespace, t.name);
    const tenant = keys.tenant(t.namespace);
    const where = [app ? `the workload comes from ${app}` : undefined, tenant ? `the level is ${tenant}.podSecurity.enforce` : undefined].filter(Boolean);
    const key = where.length > 0 ? ` (platform.yaml: ${where.join('; ')})` : '';
    for (const v of checkPodSecurity(t.spec, level, t.metadata.annotations ?? {})) {
      problems.push(`${t.ref}: violates Pod Security "${level}" (namespace ${t.namespace}) at ${v.field}: ${v.message}. Fix: ${v.fix}${key}`);
    }
  }
  return problems;
}

/**
 * Container hygiene the Pod Security levels do not cover: pinned images, requests and limits, probes, and the
 * hardening Platform Kit applies even where the namespace would allow less. A pod template may carry the
 * `platform-kit.io/security-exemption` annotation with the reason; the hardening rules then do not apply to it.
 * Host namespaces and hostPath volumes always need that reason.
 */
export function checkContainerHygiene(objects: readonly SynthesizedObject[]): string[] {
  const problems: string[] = [];
  for (const t of podTemplates(objects)) {
    const exempt = typeof t.metadata.annotations?.[SECURITY_EXEMPTION] === 'string';
    const pod = t.spec.securityContext ?? {};
    // Host access is allowed in a privileged namespace, but it is never silent: it needs its reason on record.
    const hostAccess = [...['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => t.spec[k] === true), ...(t.spec.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => `hostPath volume ${v.name}`)];
    if (hostAccess.length > 0 && !exempt) {
      problems.push(`${t.ref}: ${hostAccess.join(', ')} without a reason; record why in the pod template's ${SECURITY_EXEMPTION} annotation.`);
    }
    for (const { container: c, init } of allContainers(t.spec)) {
      const at = `${t.ref} container ${c.name}`;
      const image = String(c.image ?? '');
      const tag = image.includes('@') ? 'digest' : image.slice(image.lastIndexOf('/') + 1).split(':')[1];
      if (!tag || tag === 'latest') problems.push(`${at}: image ${JSON.stringify(image)} is not pinned; use an exact tag (e.g. "repo:1.2.3").`);
      const r = c.resources ?? {};
      for (const [group, key] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const) {
        if (r[group]?.[key] === undefined) problems.push(`${at}: resources.${group}.${key} is missing; every container states its requests and limits.`);
      }
      if (!init && !t.runsToCompletion && (c.readinessProbe === undefined || c.livenessProbe === undefined)) {
        problems.push(`${at}: needs a readinessProbe and a livenessProbe (long-running containers only).`);
      }
      if (exempt) continue;
      const s = c.securityContext ?? {};
      if ((s.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${at}: runAsNonRoot is not true.`);
      if (s.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true; mount an emptyDir where the program writes.`);
      if (s.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false.`);
      if (!(s.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities.drop does not include ALL.`);
      if ((s.seccompProfile?.type ?? pod.seccompProfile?.type) !== 'RuntimeDefault') problems.push(`${at}: seccompProfile is not RuntimeDefault.`);
    }
  }
  return problems;
}

/**
 * Quota fit: what the objects of a namespace need at their largest ({@link namespaceUsage}: replicas at the
 * autoscaler's ceiling, DaemonSets on every node, the surge pods of every rolling update, init containers as
 * Kubernetes counts them, claims, NodePorts) must fit its ResourceQuota, and every container must lie inside the
 * LimitRange min/max. Messages name the platform.yaml key that fixes them when `keys` knows it.
 */
export function checkQuotaFit(objects: readonly SynthesizedObject[], nodeCount: number, keys: ConfigKeys = NO_CONFIG_KEYS, injections: readonly InjectedContainers[] = []): string[] {
  const index = TreeIndex.of(objects);
  const problems: string[] = [];
  const limitRanges = new Map(index.ofKind('LimitRange').map((o) => [o.manifest.metadata.namespace, o.manifest]));

  for (const q of index.ofKind('ResourceQuota')) {
    const ns = q.manifest.metadata.namespace;
    const containerRange = limitRanges.get(ns)?.spec?.limits?.find((l: any) => l.type === 'Container');
    const { usage, shares } = namespaceUsage(index.inNamespace(ns).map((o) => o.manifest), nodeCount, containerRange);
    const injected = injections.filter((i) => i.namespace === ns);
    if (containerRange) for (const t of index.templatesIn(ns)) problems.push(...checkLimitRange(t, containerRange, keys, injected));
    const tenant = keys.tenant(ns);
    const hard = q.manifest.spec?.hard ?? {};
    const compare: Array<[string, number, (n: number) => string]> = [
      ['requests.cpu', usage.requestsCpu, formatCpu], ['requests.memory', usage.requestsMemory, formatBytes],
      ['limits.cpu', usage.limitsCpu, formatCpu], ['limits.memory', usage.limitsMemory, formatBytes],
      ['pods', usage.pods, String], ['persistentvolumeclaims', usage.persistentVolumeClaims, String],
      ['requests.storage', usage.storage, formatBytes], ['services.nodeports', usage.nodePorts, String],
      ['services.loadbalancers', usage.loadBalancers, String],
    ];
    for (const [key, used, fmt] of compare) {
      if (hard[key] === undefined) continue;
      const allowed = parseQuantity(hard[key]);
      if (used <= allowed + 1e-9) continue;
      // Pod resources and counts come from the workloads, so name them; claims and Services speak for themselves.
      const fromPods = /^(requests|limits)\.(cpu|memory)$|^pods$/.test(key);
      const from = fromPods ? ` (${shares.map((share) => describeShare(share, key.startsWith('limits.') ? 'limits' : 'requests')).join(', ') || 'no workloads'})` : '';
      const sidecars = fromPods && injected.length > 0 ? ` Every pod here also runs ${injected.map((i) => `${i.container} (added by ${i.madeBy}, sized by ${i.configKey})`).join(', ')}, counted above.` : '';
      problems.push(`namespace ${ns}: ${key} needs ${fmt(used)} but ResourceQuota ${q.manifest.metadata.name} allows ${fmt(allowed)}${from}; ${quotaFix(ns, key, fmt(used), fromPods ? shares : [], tenant, keys)}${sidecars}`);
    }
  }
  return problems;
}

/** `Deployment/web 3×(50m/64Mi) + 1 surge`: each pod's requests, or its limits when a limits quota is exceeded. */
function describeShare(s: WorkloadShare, side: 'requests' | 'limits'): string {
  const [cpu, memory] = side === 'limits' ? [s.pod.limitsCpu, s.pod.limitsMemory] : [s.pod.requestsCpu, s.pod.requestsMemory];
  return `${s.kind}/${s.name} ${s.pods}×(${formatCpu(cpu)}/${formatBytes(memory)}${side === 'limits' ? ' limits' : ''})${s.surge > 0 ? ` + ${s.surge} surge` : ''}`;
}

/** The sentence that says what to change: the tenant's quota key and, for pods, the app keys that size them. */
function quotaFix(ns: string, key: string, needed: string, shares: readonly WorkloadShare[], tenant: string | undefined, keys: ConfigKeys): string {
  if (tenant === undefined) {
    return 'raise the namespace\'s ResourceQuota or lower the workloads\' resources/replicas.';
  }
  const raise = `raise ${tenant}.quota.${QUOTA_FIELDS[key]} in platform.yaml to at least ${needed}`;
  if (key === 'services.nodeports') {
    const app = keys.appWithNodePort(ns);
    return `${raise}${app ? `, or remove ${app}` : ''}.`;
  }
  const apps = [...new Set(shares.flatMap((s) => {
    const app = keys.app(ns, s.name);
    return app ? [`${app}.resources / ${keys.appReplicas(ns, s.name)}`] : [];
  }))];
  if (apps.length === 0) return `${raise}.`;
  const surgeNote = shares.some((s) => s.surge > 0) ? ' (a rolling update adds its maxSurge pods on top)' : '';
  return `${raise}, or lower ${apps.join(', ')}${surgeNote}.`;
}

function checkLimitRange(t: PodTemplate, range: any, keys: ConfigKeys, injected: readonly InjectedContainers[]): string[] {
  const problems: string[] = [];
  const tenant = keys.tenant(t.namespace);
  for (const { container } of allContainers(t.spec)) {
    const r = resourcesOf(container, range);
    const checks: Array<[string, number, string | undefined, 'min' | 'max', 'cpu' | 'memory', (n: number) => string]> = [
      ['requests.cpu', r.requestsCpu, range.min?.cpu, 'min', 'cpu', formatCpu],
      ['requests.memory', r.requestsMemory, range.min?.memory, 'min', 'memory', formatBytes],
      ['limits.cpu', r.limitsCpu, range.max?.cpu, 'max', 'cpu', formatCpu],
      ['limits.memory', r.limitsMemory, range.max?.memory, 'max', 'memory', formatBytes],
    ];
    for (const [field, value, bound, kind, resource, fmt] of checks) {
      if (bound === undefined) continue;
      const b = parseQuantity(bound);
      if ((kind === 'min' && value < b - 1e-9) || (kind === 'max' && value > b + 1e-9)) {
        const app = keys.app(t.namespace, t.name);
        const injection = injected.find((i) => i.container === container.name);
        // A pod without the sizing annotations (one a controller makes) gets the webhook's default, not the config's.
        const ownSize = injection === undefined || injection.sizedBy(t.metadata?.annotations ?? {});
        const sized = injection ? (ownSize ? injection.configKey : undefined) : app ? `${app}.resources` : undefined;
        const fix = tenant
          ? `change ${sized ? `${sized}.${field}` : 'the container\'s resources'} or ${tenant}.limits.${kind}.${resource} in platform.yaml.`
          : 'change the container\'s resources or the namespace\'s limits.';
        const origin = injection ? ` (added at admission by ${injection.madeBy}${ownSize ? '' : ', at its default size: the pod sets none'})` : '';
        problems.push(`${t.ref} container ${container.name}${origin}: ${field} ${fmt(value)} is ${kind === 'min' ? 'below' : 'above'} the LimitRange ${kind} ${fmt(b)} of namespace ${t.namespace}; ${fix}`);
      }
    }
  }
  return problems;
}

/**
 * Fields Kubernetes never lets change on update must not carry the version label, or the next upgrade is refused
 * ("spec: Forbidden: updates to statefulset spec for fields other than ..."): Deployment/StatefulSet/DaemonSet
 * selectors and StatefulSet volumeClaimTemplates.
 */
export function checkImmutableFields(objects: readonly SynthesizedObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const m = o.manifest;
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind)) continue;
    const at = `${m.metadata?.namespace}/${m.kind}/${m.metadata?.name}`;
    if (m.spec?.selector?.matchLabels?.['app.kubernetes.io/version'] !== undefined) {
      problems.push(`${at}: spec.selector carries app.kubernetes.io/version; selectors are immutable, use the version-free selector labels.`);
    }
    for (const claim of m.spec?.volumeClaimTemplates ?? []) {
      if (claim.metadata?.labels?.['app.kubernetes.io/version'] !== undefined) {
        problems.push(`${at}: volumeClaimTemplates[${claim.metadata?.name}] carries app.kubernetes.io/version; claim templates are immutable, so the next version would be refused — drop the label (withoutVersion()).`);
      }
    }
  }
  return problems;
}

/**
 * A StatefulSet's `spec.serviceName` must name a headless Service (clusterIP None) of its namespace: that Service
 * is what gives each pod its stable DNS name; a ClusterIP Service or a missing one leaves the pods without it.
 */
export function checkStatefulSetServices(objects: readonly SynthesizedObject[]): string[] {
  const services = new Map(objects.filter((o) => o.manifest.kind === 'Service').map((o) => [`${o.manifest.metadata?.namespace}/${o.manifest.metadata?.name}`, o.manifest]));
  const problems: string[] = [];
  for (const o of objects.filter((x) => x.manifest.kind === 'StatefulSet')) {
    const m = o.manifest;
    const at = `${m.metadata?.namespace}/StatefulSet/${m.metadata?.name}`;
    const service = services.get(`${m.metadata?.namespace}/${m.spec?.serviceName}`);
    if (!service) problems.push(`${at}: spec.serviceName ${JSON.stringify(m.spec?.serviceName)} names no Service of namespace ${m.metadata?.namespace}; add a headless Service (clusterIP: None) of that name.`);
    else if (service.spec?.clusterIP !== 'None') problems.push(`${at}: spec.serviceName ${JSON.stringify(m.spec?.serviceName)} is not headless; point it at a Service with clusterIP: None (pods get no stable DNS names otherwise).`);
  }
  return problems;
}
