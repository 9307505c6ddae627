/**
 * The one place the controller's pods get their hardening: Pod Security "restricted" plus a read-only root
 * filesystem, no service-account token and no service links. (The synth side's pods come from lib/core's
 * hardenedPodSpec; the controller is a separate program and does not load cdk8s, so it has this small twin, held to
 * lib/checks/pod-security.ts by its test.)
 */
import type { V1PodSecurityContext, V1SecurityContext } from '@kubernetes/client-node';

/**
 * One uid for both containers: git-sync's image runs as 65533, and nginx-unprivileged runs as any uid once its
 * writable directories (/tmp, /var/cache/nginx, /var/run) are emptyDirs.
 */
export const WEBSITE_UID = 65533;

export function restrictedPodSecurity(uid: number): V1PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

export function restrictedContainerSecurity(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}
