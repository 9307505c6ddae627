import { k8s } from 'cdk8s-plus-27';
import { ContainerResources, restrictedContainerSecurity, restrictedPodSecurity, toKubeResources } from './security';
import { emptyDir } from './volumes';

/**
 * A container as a part writes it: everything of a Kubernetes container, except that requests and limits are
 * required (our {@link ContainerResources}), both probes are required, and the security context is only the
 * deviation from the restricted baseline (with its reason written beside it).
 */
export type HardenedContainerProps = Omit<k8s.Container, 'resources' | 'securityContext' | 'readinessProbe' | 'livenessProbe'> & {
  readonly resources: ContainerResources;
  readonly readinessProbe: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
  /** Deviation from {@link restrictedContainerSecurity}. @default - none */
  readonly securityContext?: Partial<k8s.SecurityContext>;
  /** Size of a writable `/tmp` emptyDir (the root filesystem is read-only). @default - no /tmp */
  readonly tmpSizeLimit?: string;
};

/** An init container: like a container, but it runs to completion, so probes do not apply. */
export type HardenedInitContainerProps = Omit<HardenedContainerProps, 'readinessProbe' | 'livenessProbe'>;

/**
 * A pod as a part writes it. The service account's token is mounted only when the pod talks to the API
 * (`usesApi`); the pod runs as `uid` under the restricted pod security context (plus `podSecurity`'s deviations).
 */
type HardenedPodBase = Omit<k8s.PodSpec, 'containers' | 'initContainers' | 'securityContext' | 'automountServiceAccountToken' | 'restartPolicy'> & {
  /** The pod's own ServiceAccount. @default - the namespace's `default` (which mounts no token) */
  readonly serviceAccountName?: string;
  /** Whether the pod calls the Kubernetes API (mounts the token). @default false */
  readonly usesApi?: boolean;
  /** uid, gid and fsGroup of the pod. */
  readonly uid: number;
  /** Deviation from {@link restrictedPodSecurity}, or a whole context for pods that cannot be restricted. @default - none */
  readonly podSecurity?: Partial<k8s.PodSecurityContext> | { readonly replace: k8s.PodSecurityContext };
  readonly initContainers?: readonly HardenedInitContainerProps[];
};

/**
 * A pod as a part writes it. A serving pod (the default restart policy) needs readiness and liveness probes on every
 * container; a pod that runs to completion (a Job's: `restartPolicy: Never` or `OnFailure`) has none to give.
 */
export type HardenedPodProps =
  | (HardenedPodBase & { readonly restartPolicy?: 'Always'; readonly containers: readonly HardenedContainerProps[] })
  | (HardenedPodBase & { readonly restartPolicy: 'Never' | 'OnFailure'; readonly containers: readonly HardenedInitContainerProps[] });

const TMP = 'tmp';
/** Keys that say who the pod is and where it runs: the security context follows them. */
const PREAMBLE = new Set(['restartPolicy', 'serviceAccountName', 'usesApi', 'uid', 'podSecurity', 'enableServiceLinks', 'hostNetwork', 'hostPid', 'tolerations']);

/**
 * The one builder of a hardened pod spec (service account and token, security contexts, resources, probes, `/tmp`)
 * that every part uses, so a hardening rule changes in one place. Keys keep the order the caller wrote them in; the
 * token setting follows the service account, the pod security context follows the keys that say who the pod is
 * and where it runs, and a container's security context follows its resources.
 */
export function hardenedPodSpec(props: HardenedPodProps): k8s.PodSpec {
  const out: Record<string, unknown> = {};
  const tmpSizes = [...(props.initContainers ?? []), ...props.containers].map((c) => c.tmpSizeLimit).filter((s): s is string => s !== undefined);
  if (props.serviceAccountName === undefined) out.automountServiceAccountToken = props.usesApi ?? false;
  for (const [key, value] of Object.entries(props)) {
    if (!PREAMBLE.has(key) && !('securityContext' in out)) out.securityContext = podSecurityOf(props);
    switch (key) {
      case 'usesApi':
      case 'uid':
      case 'podSecurity':
        break;
      case 'serviceAccountName':
        out.serviceAccountName = value;
        out.automountServiceAccountToken = props.usesApi ?? false;
        break;
      case 'initContainers':
        out.initContainers = props.initContainers!.map(hardenedInitContainer);
        break;
      case 'containers':
        out.containers = (props.containers as readonly HardenedInitContainerProps[]).map(hardenedInitContainer);
        break;
      case 'volumes':
        out.volumes = [...(props.volumes ?? []), ...tmpVolume(tmpSizes)];
        break;
      default:
        out[key] = value;
    }
  }
  if (!('volumes' in props) && tmpSizes.length > 0) out.volumes = tmpVolume(tmpSizes);
  return out as unknown as k8s.PodSpec;
}

/** A hardened container (see {@link HardenedContainerProps}). */
export function hardenedContainer(c: HardenedContainerProps): k8s.Container {
  return hardenedInitContainer(c) as k8s.Container;
}

/** A hardened init container. */
export function hardenedInitContainer(c: HardenedInitContainerProps): k8s.Container {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    if (key === 'securityContext' || key === 'tmpSizeLimit') continue;
    if (key === 'resources') {
      out.resources = toKubeResources(c.resources);
      out.securityContext = restrictedContainerSecurity(c.securityContext);
    } else if (key === 'volumeMounts') {
      out.volumeMounts = [...(c.volumeMounts ?? []), ...(c.tmpSizeLimit !== undefined ? [{ name: TMP, mountPath: '/tmp' }] : [])];
    } else {
      out[key] = value;
    }
  }
  if (!('volumeMounts' in c) && c.tmpSizeLimit !== undefined) out.volumeMounts = [{ name: TMP, mountPath: '/tmp' }];
  return out as unknown as k8s.Container;
}

function podSecurityOf(props: HardenedPodProps): k8s.PodSecurityContext {
  const p = props.podSecurity;
  if (p && 'replace' in p) return p.replace as k8s.PodSecurityContext;
  return restrictedPodSecurity(props.uid, p as Partial<k8s.PodSecurityContext> | undefined);
}

/** One `/tmp` emptyDir for the pod, as large as the largest container asks (they share it). */
function tmpVolume(sizes: readonly string[]): k8s.Volume[] {
  if (sizes.length === 0) return [];
  if (new Set(sizes).size > 1) throw new Error(`hardenedPodSpec: containers ask for /tmp of different sizes (${[...new Set(sizes)].join(', ')}); they share one emptyDir, so give one size.`);
  return [emptyDir(TMP, sizes[0])];
}
