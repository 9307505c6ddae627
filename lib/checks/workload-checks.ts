import { formatBytes, formatCpu, parseQuantity } from '../core/quantity';
import { SynthesizedObject } from '../output/synthesized';
import { checkPodSecurity, PodSecurityLevel } from './pod-security';
import { allContainers, PodTemplate, podTemplates } from './workloads';

/** Pod template annotation that records why a workload may not meet the hardening rules (node agents). */
export const SECURITY_EXEMPTION = 'platform-kit.io/security-exemption';

/** Every pod template meets the Pod Security `enforce` level of the namespace it is created in. */
export function checkPodSecurityLevels(objects: readonly SynthesizedObject[]): string[] {
  const levels = new Map<string, PodSecurityLevel>();
  for (const o of objects) {
    if (o.manifest.kind === 'Namespace') {
      levels.set(o.manifest.metadata.name, o.manifest.metadata.labels?.['pod-security.kubernetes.io/enforce'] ?? 'privileged');
    }
  }
  const problems: string[] = [];
  for (const t of podTemplates(objects)) {
    const level = levels.get(t.namespace);
    if (level === undefined) {
      problems.push(`${t.ref}: namespace ${t.namespace} is not created by Platform Kit, so its Pod Security level is unknown; deploy into a tenant namespace.`);
      continue;
    }
    for (const v of checkPodSecurity(t.spec, level, t.metadata.annotations ?? {})) {
      problems.push(`${t.ref}: violates Pod Security "${level}" (namespace ${t.namespace}) at ${v.field}: ${v.message}. Fix: ${v.fix}`);
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

interface Usage {
  requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number;
  pods: number; pvcs: number; storage: number; nodePorts: number; loadBalancers: number;
}

/**
 * Quota fit: what the workloads of a namespace request (counting replicas, DaemonSets on every node, init
 * containers as Kubernetes does: the larger of the biggest init container and the sum of the app containers) must
 * fit its ResourceQuota, and every container must lie inside the LimitRange min/max.
 */
export function checkQuotaFit(objects: readonly SynthesizedObject[], nodeCount: number): string[] {
  const problems: string[] = [];
  const quotas = objects.filter((o) => o.manifest.kind === 'ResourceQuota');
  const limitRanges = new Map(objects.filter((o) => o.manifest.kind === 'LimitRange').map((o) => [o.manifest.metadata.namespace, o.manifest]));
  const templates = podTemplates(objects);

  for (const q of quotas) {
    const ns = q.manifest.metadata.namespace;
    const limits = limitRanges.get(ns);
    const containerRange = limits?.spec?.limits?.find((l: any) => l.type === 'Container');
    const usage: Usage = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0, pvcs: 0, storage: 0, nodePorts: 0, loadBalancers: 0 };
    const contributions: string[] = [];
    for (const t of templates.filter((x) => x.namespace === ns)) {
      const count = t.perNode ? nodeCount : t.replicas;
      const pod = effectivePod(t, containerRange);
      usage.requestsCpu += count * pod.requestsCpu;
      usage.requestsMemory += count * pod.requestsMemory;
      usage.limitsCpu += count * pod.limitsCpu;
      usage.limitsMemory += count * pod.limitsMemory;
      usage.pods += count;
      contributions.push(`${t.kind}/${t.name} ${count}×(${formatCpu(pod.requestsCpu)}/${formatBytes(pod.requestsMemory)})`);
      for (const claim of t.kind === 'StatefulSet' ? t.object.manifest.spec.volumeClaimTemplates ?? [] : []) {
        usage.pvcs += count;
        usage.storage += count * parseQuantity(claim.spec?.resources?.requests?.storage ?? '0');
      }
      if (containerRange) problems.push(...checkLimitRange(t, containerRange));
    }
    for (const o of objects.filter((x) => x.manifest.metadata?.namespace === ns)) {
      if (o.manifest.kind === 'PersistentVolumeClaim') {
        usage.pvcs += 1;
        usage.storage += parseQuantity(o.manifest.spec?.resources?.requests?.storage ?? '0');
      }
      if (o.manifest.kind === 'Service' && o.manifest.spec?.type === 'NodePort') usage.nodePorts += (o.manifest.spec.ports ?? []).length;
      if (o.manifest.kind === 'Service' && o.manifest.spec?.type === 'LoadBalancer') usage.loadBalancers += 1;
    }
    const hard = q.manifest.spec?.hard ?? {};
    const compare: Array<[string, number, (n: number) => string]> = [
      ['requests.cpu', usage.requestsCpu, formatCpu], ['requests.memory', usage.requestsMemory, formatBytes],
      ['limits.cpu', usage.limitsCpu, formatCpu], ['limits.memory', usage.limitsMemory, formatBytes],
      ['pods', usage.pods, String], ['persistentvolumeclaims', usage.pvcs, String],
      ['requests.storage', usage.storage, formatBytes], ['services.nodeports', usage.nodePorts, String],
      ['services.loadbalancers', usage.loadBalancers, String],
    ];
    for (const [key, used, fmt] of compare) {
      if (hard[key] === undefined) continue;
      const allowed = parseQuantity(hard[key]);
      if (used > allowed + 1e-9) {
        // Pod resources and counts come from the workloads, so name them; claims and Services speak for themselves.
        const from = /^(requests|limits)\.(cpu|memory)$|^pods$/.test(key) ? ` (${contributions.join(', ') || 'no workloads'})` : '';
        problems.push(`namespace ${ns}: ${key} needs ${fmt(used)} but ResourceQuota ${q.manifest.metadata.name} allows ${fmt(allowed)}${from}; raise the quota in platform.yaml or lower the workloads' resources/replicas.`);
      }
    }
  }
  return problems;
}

function effectivePod(t: PodTemplate, range: any): { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number } {
  const sum = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  const initMax = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0 };
  for (const { container, init } of allContainers(t.spec)) {
    const r = resourcesOf(container, range);
    const target = init ? initMax : sum;
    for (const k of Object.keys(sum) as Array<keyof typeof sum>) target[k] = init ? Math.max(target[k], r[k]) : target[k] + r[k];
  }
  return {
    requestsCpu: Math.max(sum.requestsCpu, initMax.requestsCpu),
    requestsMemory: Math.max(sum.requestsMemory, initMax.requestsMemory),
    limitsCpu: Math.max(sum.limitsCpu, initMax.limitsCpu),
    limitsMemory: Math.max(sum.limitsMemory, initMax.limitsMemory),
  };
}

/** A container's resources after LimitRange defaulting (what admission would set). */
export function resourcesOf(container: any, range?: any): { requestsCpu: number; requestsMemory: number; limitsCpu: number; limitsMemory: number } {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const pick = (v: any, fallback: any) => (v !== undefined ? parseQuantity(v) : fallback !== undefined ? parseQuantity(fallback) : 0);
  const limitsCpu = pick(limits.cpu, range?.default?.cpu);
  const limitsMemory = pick(limits.memory, range?.default?.memory);
  return {
    // Kubernetes defaults a missing request to the limit when a limit is set.
    requestsCpu: requests.cpu !== undefined ? parseQuantity(requests.cpu) : limits.cpu !== undefined ? limitsCpu : pick(undefined, range?.defaultRequest?.cpu),
    requestsMemory: requests.memory !== undefined ? parseQuantity(requests.memory) : limits.memory !== undefined ? limitsMemory : pick(undefined, range?.defaultRequest?.memory),
    limitsCpu,
    limitsMemory,
  };
}

function checkLimitRange(t: PodTemplate, range: any): string[] {
  const problems: string[] = [];
  for (const { container } of allContainers(t.spec)) {
    const r = resourcesOf(container, range);
    const checks: Array<[string, number, string | undefined, 'min' | 'max', (n: number) => string]> = [
      ['requests.cpu', r.requestsCpu, range.min?.cpu, 'min', formatCpu],
      ['requests.memory', r.requestsMemory, range.min?.memory, 'min', formatBytes],
      ['limits.cpu', r.limitsCpu, range.max?.cpu, 'max', formatCpu],
      ['limits.memory', r.limitsMemory, range.max?.memory, 'max', formatBytes],
    ];
    for (const [field, value, bound, kind, fmt] of checks) {
      if (bound === undefined) continue;
      const b = parseQuantity(bound);
      if ((kind === 'min' && value < b - 1e-9) || (kind === 'max' && value > b + 1e-9)) {
        problems.push(`${t.ref} container ${container.name}: ${field} ${fmt(value)} is ${kind === 'min' ? 'below' : 'above'} the LimitRange ${kind} ${fmt(b)} of namespace ${t.namespace}; change the container's resources or the namespace's limits in platform.yaml.`);
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
