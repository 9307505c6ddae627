/**
 * The names the Website contract fixes (briefs: website-contract.md). The synth side (lib/websites/) writes the CRD,
 * RBAC and the controller's environment against the same names; a change here is a change of the contract.
 */
export const GROUP = 'extensions.example.com';
export const VERSION = 'v1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'Website';
export const PLURAL = 'websites';

/** The field manager of every server-side apply and status patch, so `managedFields` shows who owns what. */
export const FIELD_MANAGER = 'website-controller';

/** The name of the Deployment and the Service of Website `w`. */
export function childName(website: string): string {
  return `${website}-website`;
}

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** On pods of the websites the synth side exposes through the entry point (its NetworkPolicies select it). */
export const LABEL_EXPOSED = 'platform-kit.io/exposed';

/** The version-free labels that select a Website's pods (a Deployment's selector is immutable). */
export function selectorLabels(website: string): Record<string, string> {
  return { [LABEL_NAME]: 'website', [LABEL_INSTANCE]: website };
}

/** Labels on the Deployment, the Service and the pods. */
export function commonLabels(website: string): Record<string, string> {
  return { ...selectorLabels(website), [LABEL_MANAGED_BY]: FIELD_MANAGER };
}

/** The condition the controller owns on every Website. */
export const READY = 'Ready';

/** Reasons of the Ready condition: CamelCase, as metav1.Condition asks. */
export const Reason = {
  /** The Deployment has spec.replicas ready pods of its current generation. */
  Available: 'Available',
  /** Applied; the Deployment is rolling out or waiting for pods. */
  Progressing: 'Progressing',
  /** The Website's namespace is not in WEBSITE_NAMESPACES: the controller has no rights there. */
  NamespaceNotManaged: 'NamespaceNotManaged',
  /** The API server refused the Deployment or the Service (the message says why); retried with backoff. */
  ApplyFailed: 'ApplyFailed',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** The spec defaults of the CRD's schema, applied here too for objects written before a default existed. */
export const SPEC_DEFAULTS = { branch: 'main', syncPeriod: '60s', replicas: 1 } as const;
