/**
 * Pod Security Standards checker: decides at synth time whether a pod template would be admitted by the
 * Pod Security Admission (PSA) `enforce` level of its namespace, and explains every violation.
 *
 * Modelled on the upstream `k8s.io/pod-security-admission` checks at policy version v1.27:
 * - the set of checks, their IDs and their edge rules (container-level settings override pod-level ones;
 *   init and ephemeral containers are checked like regular ones; Windows pods (`spec.os.name: windows`) are
 *   exempt from the restricted allowPrivilegeEscalation / capabilities / seccomp checks since v1.25);
 * - the sysctl allow-list of v1.27 (the v1.0 list plus `net.ipv4.ip_local_reserved_ports`; the
 *   tcp_keepalive and tcp_fin_timeout sysctls only became allowed in policy v1.29);
 * - API-server defaulting that PSA sees on a Pod: with `hostNetwork: true` every container port without a
 *   hostPort gets `hostPort = containerPort`, and a volume without a source becomes an emptyDir.
 *
 * Reporting differs from PSA only in form, never in the verdict: PSA aggregates one message per check,
 * this module reports one violation per offending field so it can name the field and the fix. Where a
 * restricted check supersedes a baseline one (restrictedVolumes/hostPathVolumes,
 * capabilities_restricted/capabilities_baseline, seccompProfile_restricted/seccompProfile_baseline), each
 * offending value is reported once, by the lowest level whose rule it breaks.
 */

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityViolation {
  /** The level whose rule is broken. */
  readonly level: 'baseline' | 'restricted';
  /** The PSA check ID, e.g. `runAsNonRoot`, `hostPathVolumes`, `capabilities_restricted`. */
  readonly check: PodSecurityCheckId;
  /** Path of the offending field, containers named by name: `spec.containers[mysql].securityContext.runAsNonRoot`. */
  readonly field: string;
  /** What is wrong, with the bad value. */
  readonly message: string;
  /** What to set instead. */
  readonly fix: string;
}

export type PodSecurityCheckId =
  // baseline
  | 'windowsHostProcess'
  | 'hostNamespaces'
  | 'privileged'
  | 'capabilities_baseline'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'appArmorProfile'
  | 'seLinuxOptions'
  | 'procMount'
  | 'seccompProfile_baseline'
  | 'sysctls'
  // restricted
  | 'restrictedVolumes'
  | 'allowPrivilegeEscalation'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted'
  | 'capabilities_restricted';

/** The PSA policy version whose rules this module implements. */
export const POD_SECURITY_POLICY_VERSION = 'v1.27';

/** Capabilities the baseline level lets a container add (the container runtime's default set). */
export const BASELINE_ALLOWED_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
];

/** The "safe" sysctls of policy v1.27. */
export const BASELINE_ALLOWED_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
];

/** Inline volume sources the restricted level allows. */
export const RESTRICTED_ALLOWED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

const SELINUX_ALLOWED_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const ALLOWED_PROFILE_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];

/**
 * Checks a core/v1 PodSpec (plain JSON) against a Pod Security Standards level.
 *
 * @param podSpec the pod spec, e.g. a Deployment's `spec.template.spec`
 * @param level the namespace's `pod-security.kubernetes.io/enforce` level
 * @param podAnnotations the pod's annotations (`spec.template.metadata.annotations`), for the AppArmor check
 * @returns the violations; empty when PSA would admit the pod
 */
export function checkPodSecurity(
  podSpec: any,
  level: PodSecurityLevel,
  podAnnotations?: Record<string, string>,
): PodSecurityViolation[] {
  if (level !== 'privileged' && level !== 'baseline' && level !== 'restricted') {
    throw new Error(`Unknown Pod Security level ${JSON.stringify(level)}: expected privileged, baseline or restricted`);
  }
  if (level === 'privileged') {
    return [];
  }
  const pod = asPod(podSpec, podAnnotations);
  const out: PodSecurityViolation[] = [];
  for (const check of BASELINE_CHECKS) {
    out.push(...check(pod));
  }
  if (level === 'restricted') {
    for (const check of RESTRICTED_CHECKS) {
      out.push(...check(pod));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Model

interface ContainerRef {
  readonly kind: 'initContainers' | 'containers' | 'ephemeralContainers';
  /** `spec.containers[web]` */
  readonly path: string;
  /** `container "web"` / `init container "migrate"` / `ephemeral container "debug"` */
  readonly label: string;
  readonly spec: any;
  /** The container's securityContext, or `{}`. */
  readonly sc: any;
}

interface Pod {
  readonly spec: any;
  /** The pod-level securityContext, or `{}`. */
  readonly sc: any;
  readonly containers: readonly ContainerRef[];
  readonly annotations: Record<string, string>;
  readonly windows: boolean;
}

type Check = (pod: Pod) => PodSecurityViolation[];

const CONTAINER_KINDS = [
  ['initContainers', 'init container'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

function asPod(podSpec: any, annotations: Record<string, string> | undefined): Pod {
  const spec = isObject(podSpec) ? podSpec : {};
  const containers: ContainerRef[] = [];
  for (const [kind, noun] of CONTAINER_KINDS) {
    list(spec[kind]).forEach((c, i) => {
      const name = isObject(c) && typeof c.name === 'string' && c.name !== '' ? c.name : String(i);
      containers.push({
        kind,
        path: `spec.${kind}[${name}]`,
        label: `${noun} ${JSON.stringify(name)}`,
        spec: isObject(c) ? c : {},
        sc: isObject(c) && isObject(c.securityContext) ? c.securityContext : {},
      });
    });
  }
  return {
    spec,
    sc: isObject(spec.securityContext) ? spec.securityContext : {},
    containers,
    annotations: annotations ?? {},
    windows: isObject(spec.os) && spec.os.name === 'windows',
  };
}

function isObject(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function list(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function isSet(x: unknown): boolean {
  return x !== undefined && x !== null;
}

function q(x: unknown): string {
  return JSON.stringify(x) ?? String(x);
}

function baseline(check: PodSecurityCheckId, field: string, message: string, fix: string): PodSecurityViolation {
  return { level: 'baseline', check, field, message, fix };
}

function restricted(check: PodSecurityCheckId, field: string, message: string, fix: string): PodSecurityViolation {
  return { level: 'restricted', check, field, message, fix };
}

// ---------------------------------------------------------------------------------------------------------------
// Baseline

const windowsHostProcess: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const fix = 'Remove windowsOptions.hostProcess (or set it to false); HostProcess containers need the privileged level.';
  if (isObject(pod.sc.windowsOptions) && pod.sc.windowsOptions.hostProcess === true) {
    out.push(baseline('windowsHostProcess', 'spec.securityContext.windowsOptions.hostProcess',
      'The pod sets windowsOptions.hostProcess=true, which gives privileged access to the Windows host.', fix));
  }
  for (const c of pod.containers) {
    if (isObject(c.sc.windowsOptions) && c.sc.windowsOptions.hostProcess === true) {
      out.push(baseline('windowsHostProcess', `${c.path}.securityContext.windowsOptions.hostProcess`,
        `The ${c.label} sets windowsOptions.hostProcess=true, which gives privileged access to the Windows host.`, fix));
    }
  }
  return out;
};

const hostNamespaces: Check = (pod) => {
  const what = { hostNetwork: 'network', hostPID: 'process (PID)', hostIPC: 'IPC' } as const;
  const out: PodSecurityViolation[] = [];
  for (const key of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod.spec[key] === true) {
      out.push(baseline('hostNamespaces', `spec.${key}`,
        `The pod sets ${key}=true and shares the node's ${what[key]} namespace.`,
        `Remove spec.${key} (or set it to false), or run the pod in a namespace whose enforce level is privileged.`));
    }
  }
  return out;
};

const privileged: Check = (pod) => pod.containers
  .filter((c) => c.sc.privileged === true)
  .map((c) => baseline('privileged', `${c.path}.securityContext.privileged`,
    `The ${c.label} sets privileged=true, which disables most container isolation.`,
    'Remove securityContext.privileged (or set it to false); add only the specific capabilities the container needs.'));

const capabilitiesBaseline: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  for (const c of pod.containers) {
    const caps = isObject(c.sc.capabilities) ? list(c.sc.capabilities.add) : [];
    const bad = caps.filter((cap) => !BASELINE_ALLOWED_CAPABILITIES.includes(cap));
    if (bad.length > 0) {
      out.push(baseline('capabilities_baseline', `${c.path}.securityContext.capabilities.add`,
        `The ${c.label} adds ${bad.map(q).join(', ')}, beyond the default capability set.`,
        `Remove ${bad.map(q).join(', ')} from securityContext.capabilities.add; the baseline level allows adding only `
        + `${BASELINE_ALLOWED_CAPABILITIES.join(', ')}.`));
    }
  }
  return out;
};

const hostPathVolumes: Check = (pod) => list(pod.spec.volumes)
  .map((v, i) => ({ v: isObject(v) ? v : {}, i }))
  .filter(({ v }) => isSet(v.hostPath))
  .map(({ v, i }) => {
    const path = isObject(v.hostPath) ? v.hostPath.path : undefined;
    return baseline('hostPathVolumes', `spec.volumes[${volumeName(v, i)}].hostPath`,
      `The volume ${q(volumeName(v, i))} mounts the node path ${q(path ?? '')} (hostPath).`,
      'Replace the hostPath volume with an emptyDir, configMap, secret or persistentVolumeClaim; '
      + 'node agents that must read the host need a namespace whose enforce level is privileged.');
  });

const hostPorts: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const hostNetwork = pod.spec.hostNetwork === true;
  for (const c of pod.containers) {
    list(c.spec.ports).forEach((p, i) => {
      const port = isObject(p) ? p : {};
      const explicit = isSet(port.hostPort) && port.hostPort !== 0;
      // With hostNetwork the API server defaults hostPort to containerPort (containers and init containers),
      // and PSA judges the defaulted Pod.
      const defaulted = !explicit && hostNetwork && c.kind !== 'ephemeralContainers'
        && isSet(port.containerPort) && port.containerPort !== 0;
      if (explicit) {
        out.push(baseline('hostPorts', `${c.path}.ports[${i}].hostPort`,
          `The ${c.label} binds host port ${q(port.hostPort)}.`,
          'Remove ports[].hostPort (or set it to 0) and expose the port through a Service instead.'));
      } else if (defaulted) {
        out.push(baseline('hostPorts', `${c.path}.ports[${i}].hostPort`,
          `The ${c.label} binds host port ${q(port.containerPort)}: with hostNetwork=true the API server sets `
          + 'hostPort to the containerPort.',
          'Stop using hostNetwork (and expose the port through a Service), or run the pod in a namespace whose '
          + 'enforce level is privileged.'));
      }
    });
  }
  return out;
};

const appArmorProfile: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const fieldFix = 'Set appArmorProfile.type to RuntimeDefault or Localhost (with localhostProfile), or remove appArmorProfile.';
  if (isObject(pod.sc.appArmorProfile) && !ALLOWED_PROFILE_TYPES.includes(pod.sc.appArmorProfile.type)) {
    out.push(baseline('appArmorProfile', 'spec.securityContext.appArmorProfile.type',
      `The pod sets AppArmor profile type ${q(pod.sc.appArmorProfile.type ?? '')}, which disables or overrides the default profile.`,
      fieldFix));
  }
  for (const c of pod.containers) {
    if (isObject(c.sc.appArmorProfile) && !ALLOWED_PROFILE_TYPES.includes(c.sc.appArmorProfile.type)) {
      out.push(baseline('appArmorProfile', `${c.path}.securityContext.appArmorProfile.type`,
        `The ${c.label} sets AppArmor profile type ${q(c.sc.appArmorProfile.type ?? '')}, which disables or overrides the default profile.`,
        fieldFix));
    }
  }
  for (const key of Object.keys(pod.annotations).sort()) {
    const value = pod.annotations[key];
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) {
      continue;
    }
    if (value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'))) {
      continue;
    }
    out.push(baseline('appArmorProfile', `metadata.annotations['${key}']`,
      `The annotation ${key} sets the AppArmor profile ${q(value)}.`,
      'Set the annotation to "runtime/default" or "localhost/<profile>", or remove it.'));
  }
  return out;
};

const seLinuxOptions: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const check = (opts: unknown, path: string, who: string) => {
    if (!isObject(opts)) {
      return;
    }
    const type = opts.type ?? '';
    if (!SELINUX_ALLOWED_TYPES.includes(type)) {
      out.push(baseline('seLinuxOptions', `${path}.seLinuxOptions.type`,
        `The ${who} sets the SELinux type ${q(type)}.`,
        'Remove seLinuxOptions.type or set it to container_t, container_init_t or container_kvm_t.'));
    }
    for (const key of ['user', 'role'] as const) {
      if (isSet(opts[key]) && opts[key] !== '') {
        out.push(baseline('seLinuxOptions', `${path}.seLinuxOptions.${key}`,
          `The ${who} sets the SELinux ${key} ${q(opts[key])}; a custom SELinux ${key} is forbidden.`,
          `Remove seLinuxOptions.${key}.`));
      }
    }
  };
  check(pod.sc.seLinuxOptions, 'spec.securityContext', 'pod');
  for (const c of pod.containers) {
    check(c.sc.seLinuxOptions, `${c.path}.securityContext`, c.label);
  }
  return out;
};

const procMount: Check = (pod) => pod.containers
  .filter((c) => isSet(c.sc.procMount) && c.sc.procMount !== 'Default')
  .map((c) => baseline('procMount', `${c.path}.securityContext.procMount`,
    `The ${c.label} sets procMount ${q(c.sc.procMount)}, which removes the default /proc masks.`,
    'Remove securityContext.procMount (or set it to "Default").'));

const seccompProfileBaseline: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const fix = 'Set seccompProfile.type to RuntimeDefault (or Localhost with localhostProfile).';
  if (isObject(pod.sc.seccompProfile) && !ALLOWED_PROFILE_TYPES.includes(pod.sc.seccompProfile.type)) {
    out.push(baseline('seccompProfile_baseline', 'spec.securityContext.seccompProfile.type',
      `The pod sets seccomp profile type ${q(pod.sc.seccompProfile.type ?? '')}, which runs without syscall filtering.`, fix));
  }
  for (const c of pod.containers) {
    if (isObject(c.sc.seccompProfile) && !ALLOWED_PROFILE_TYPES.includes(c.sc.seccompProfile.type)) {
      out.push(baseline('seccompProfile_baseline', `${c.path}.securityContext.seccompProfile.type`,
        `The ${c.label} sets seccomp profile type ${q(c.sc.seccompProfile.type ?? '')}, which runs without syscall filtering.`, fix));
    }
  }
  return out;
};

const sysctls: Check = (pod) => list(pod.sc.sysctls)
  .map((s, i) => ({ name: isObject(s) ? s.name : undefined, i }))
  .filter(({ name }) => !BASELINE_ALLOWED_SYSCTLS.includes(name))
  .map(({ name, i }) => baseline('sysctls', `spec.securityContext.sysctls[${typeof name === 'string' && name !== '' ? name : i}]`,
    `The pod sets the sysctl ${q(name)}, which is not in the safe set.`,
    `Remove ${q(name)} from spec.securityContext.sysctls (set it on the node instead); the baseline level allows only `
    + `${BASELINE_ALLOWED_SYSCTLS.join(', ')}.`));

const BASELINE_CHECKS: readonly Check[] = [
  windowsHostProcess, hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts,
  appArmorProfile, seLinuxOptions, procMount, seccompProfileBaseline, sysctls,
];

// ---------------------------------------------------------------------------------------------------------------
// Restricted

const restrictedVolumes: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  list(pod.spec.volumes).forEach((raw, i) => {
    const v = isObject(raw) ? raw : {};
    const sources = Object.keys(v).filter((k) => k !== 'name' && isSet(v[k]));
    // No source: the API server defaults it to emptyDir. hostPath: reported by the baseline hostPathVolumes check.
    if (sources.length === 0 || sources.some((s) => RESTRICTED_ALLOWED_VOLUME_TYPES.includes(s)) || sources.includes('hostPath')) {
      return;
    }
    const name = volumeName(v, i);
    out.push(restricted('restrictedVolumes', `spec.volumes[${name}].${sources[0]}`,
      `The volume ${q(name)} uses the restricted volume type ${sources.map(q).join(', ')}.`,
      'Use a persistentVolumeClaim (backed by a PersistentVolume or StorageClass) or a csi / ephemeral volume '
      + 'instead; restricted pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, '
      + 'persistentVolumeClaim, projected and secret volumes.'));
  });
  return out;
};

const allowPrivilegeEscalation: Check = (pod) => {
  if (pod.windows) {
    return [];
  }
  return pod.containers
    .filter((c) => c.sc.allowPrivilegeEscalation !== false)
    .map((c) => restricted('allowPrivilegeEscalation', `${c.path}.securityContext.allowPrivilegeEscalation`,
      isSet(c.sc.allowPrivilegeEscalation)
        ? `The ${c.label} sets allowPrivilegeEscalation=${q(c.sc.allowPrivilegeEscalation)}.`
        : `The ${c.label} does not set allowPrivilegeEscalation; it defaults to true.`,
      'Set securityContext.allowPrivilegeEscalation: false on the container.'));
};

const runAsNonRoot: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const podValue = pod.sc.runAsNonRoot;
  if (isSet(podValue) && podValue !== true) {
    out.push(restricted('runAsNonRoot', 'spec.securityContext.runAsNonRoot',
      `The pod sets runAsNonRoot=${q(podValue)}.`,
      'Set spec.securityContext.runAsNonRoot: true and run the image as a non-zero UID (runAsUser, or a numeric USER in the image).'));
  }
  for (const c of pod.containers) {
    const value = c.sc.runAsNonRoot;
    if (isSet(value) && value !== true) {
      out.push(restricted('runAsNonRoot', `${c.path}.securityContext.runAsNonRoot`,
        `The ${c.label} sets runAsNonRoot=${q(value)}, overriding the pod-level setting.`,
        'Set securityContext.runAsNonRoot: true on the container (or remove it and set it at pod level), and run '
        + 'the image as a non-zero UID.'));
    } else if (!isSet(value) && !isSet(podValue)) {
      // When the pod sets runAsNonRoot to a bad value, the pod-level violation above already covers this container.
      out.push(restricted('runAsNonRoot', `${c.path}.securityContext.runAsNonRoot`,
        `Neither the pod nor the ${c.label} sets runAsNonRoot=true, so the container may run as root.`,
        'Set spec.securityContext.runAsNonRoot: true for the whole pod (or securityContext.runAsNonRoot: true on '
        + 'this container), and run the image as a non-zero UID (runAsUser, or a numeric USER in the image).'));
    }
  }
  return out;
};

const runAsUser: Check = (pod) => {
  const out: PodSecurityViolation[] = [];
  const fix = 'Set runAsUser to a non-zero UID (e.g. 65532), or remove it and let the image\'s non-root USER apply.';
  if (pod.sc.runAsUser === 0) {
    out.push(restricted('runAsUser', 'spec.securityContext.runAsUser', 'The pod sets runAsUser=0 (root).', fix));
  }
  for (const c of pod.containers) {
    if (c.sc.runAsUser === 0) {
      out.push(restricted('runAsUser', `${c.path}.securityContext.runAsUser`, `The ${c.label} sets runAsUser=0 (root).`, fix));
    }
  }
  return out;
};

const seccompProfileRestricted: Check = (pod) => {
  // Windows pods cannot set seccomp at all (API validation), so PSA exempts them from requiring it.
  // Explicitly bad values (pod or container) are reported by the baseline seccompProfile check.
  if (pod.windows || isObject(pod.sc.seccompProfile)) {
    return [];
  }
  return pod.containers
    .filter((c) => !isObject(c.sc.seccompProfile))
    .map((c) => restricted('seccompProfile_restricted', `${c.path}.securityContext.seccompProfile.type`,
      `Neither the pod nor the ${c.label} sets a seccomp profile.`,
      'Set spec.securityContext.seccompProfile.type: RuntimeDefault for the whole pod (or '
      + 'securityContext.seccompProfile.type: RuntimeDefault / Localhost on this container).'));
};

const capabilitiesRestricted: Check = (pod) => {
  if (pod.windows) {
    return [];
  }
  const out: PodSecurityViolation[] = [];
  for (const c of pod.containers) {
    const caps = isObject(c.sc.capabilities) ? c.sc.capabilities : {};
    const drop = list(caps.drop);
    if (!drop.includes('ALL')) {
      out.push(restricted('capabilities_restricted', `${c.path}.securityContext.capabilities.drop`,
        drop.length === 0
          ? `The ${c.label} does not drop all capabilities.`
          : `The ${c.label} drops ${drop.map(q).join(', ')} but not "ALL".`,
        'Set securityContext.capabilities.drop: ["ALL"] (exactly "ALL", upper case) on the container.'));
    }
    // Capabilities outside the baseline set are reported by the baseline capabilities check.
    const bad = list(caps.add).filter((cap) => cap !== 'NET_BIND_SERVICE' && BASELINE_ALLOWED_CAPABILITIES.includes(cap));
    if (bad.length > 0) {
      out.push(restricted('capabilities_restricted', `${c.path}.securityContext.capabilities.add`,
        `The ${c.label} adds ${bad.map(q).join(', ')}.`,
        `Remove ${bad.map(q).join(', ')} from securityContext.capabilities.add; the restricted level allows adding only NET_BIND_SERVICE.`));
    }
  }
  return out;
};

const RESTRICTED_CHECKS: readonly Check[] = [
  restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfileRestricted, capabilitiesRestricted,
];

function volumeName(v: Record<string, any>, index: number): string {
  return typeof v.name === 'string' && v.name !== '' ? v.name : String(index);
}
