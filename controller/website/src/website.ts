/** The Website custom resource as the controller reads it (the CRD's schema is the synth side's, lib/websites/). */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** The standard metav1.Condition shape. */
export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly observedGeneration?: number;
  /** RFC 3339, changed only when `status` changes. */
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

export interface WebsiteStatus {
  readonly observedGeneration?: number;
  readonly conditions?: readonly Condition[];
  readonly readyReplicas?: number;
}

export interface WebsiteSpec {
  readonly gitRepo: string;
  readonly branch?: string;
  readonly syncPeriod?: string;
  readonly replicas?: number;
}

export interface Website {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
    readonly deletionTimestamp?: string;
  };
  readonly spec: WebsiteSpec;
  readonly status?: WebsiteStatus;
}

/** The work-queue key of an object: `<namespace>/<name>`. */
export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
