import { k8s } from 'cdk8s-plus-27';
import { requirePinnedImage } from './validate';

/**
 * Pod template annotation that records why a workload may not meet the hardening rules (node agents): constructs
 * write it, the hygiene check reads it.
 */
export const SECURITY_EXEMPTION = 'platform-kit.io/security-exemption';

/**
 * Role annotation that records why a role reads every resource (Velero's backup reader): the RBAC check admits a
 * read-only wildcard only with this reason. It never admits a granting verb (escalate, bind, impersonate, *).
 */
export const RBAC_EXEMPTION = 'platform-kit.io/rbac-exemption';

/**
 * The container hardening every Platform Kit workload starts from (Pod Security "restricted" plus a read-only root
 * filesystem). Components that need less (node agents) say so with a reason next to their override.
 */
export function restrictedContainerSecurity(overrides: Partial<k8s.SecurityContext> = {}): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
    ...overrides,
  };
}

/** Pod-level security context: a fixed non-root uid/gid so file ownership on volumes is predictable. */
export function restrictedPodSecurity(uid: number, overrides: Partial<k8s.PodSecurityContext> = {}): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
    ...overrides,
  };
}

/** Requests and limits, both required: cdk8s-plus would otherwise default to a whole CPU per container. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu?: string; readonly memory: string };
}

/** Requests and limits from four quantities, for tables of defaults: `resources('100m', '128Mi', '1', '512Mi')`. */
export function resources(requestsCpu: string, requestsMemory: string, limitsCpu: string, limitsMemory: string) {
  return { requests: { cpu: requestsCpu, memory: requestsMemory }, limits: { cpu: limitsCpu, memory: limitsMemory } } satisfies ContainerResources;
}

export function toKubeResources(resources: ContainerResources): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = {};
  if (resources.limits.cpu !== undefined) limits.cpu = k8s.Quantity.fromString(resources.limits.cpu);
  limits.memory = k8s.Quantity.fromString(resources.limits.memory);
  return {
    requests: {
      cpu: k8s.Quantity.fromString(resources.requests.cpu),
      memory: k8s.Quantity.fromString(resources.requests.memory),
    },
    limits,
  };
}

/** An image pinned to a tag (and optionally a digest). `latest` or a missing tag is refused by the checks. */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

/** `repository:tag`; refuses an unpinned or malformed image, so no construct can write one (shared validator). */
export function imageName(image: ImageRef): string {
  requirePinnedImage(image, 'image');
  return `${image.repository}:${image.tag}`;
}
