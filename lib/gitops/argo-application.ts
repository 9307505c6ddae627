import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Application, ApplicationSpecInfo } from '../../imports/argocd-application-argoproj.io';
import { show } from '../core/errors';
import { credentialProblem } from '../core/validate';
import { REPO_CREDENTIAL_FIX } from './config';

/** Argo CD's in-cluster destination: the cluster Argo CD runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/**
 * Deleting an Application that carries it deletes the Application's resources first (foreground cascade). The
 * `/foreground` form (Argo CD 2.0+) means the same as the bare `resources-finalizer.argocd.argoproj.io`, which the
 * API server (1.36) warns about on every apply: "prefer a domain-qualified finalizer name including a path".
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io/foreground';
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * The metadata of one of the platform's Argo CD objects (the Applications and their AppProject): its name, namespace,
 * labels and sync wave, and `Prune=false` when Argo CD must never delete it.
 */
export function argoMetadata(props: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string>; readonly wave: number }, neverPrune: boolean) {
  return {
    name: props.name,
    namespace: props.namespace,
    labels: props.labels ?? {},
    annotations: { [SYNC_WAVE]: String(props.wave), ...(neverPrune ? { [SYNC_OPTIONS]: 'Prune=false' } : {}) },
  };
}

/** Throws when the repository URL carries a credential (it would land in dist/ and in Argo CD's objects). */
export function checkRepoUrl(repoURL: string, where: string): void {
  const credential = credentialProblem(repoURL, `${where}: repoURL`, REPO_CREDENTIAL_FIX);
  if (credential !== undefined) throw new Error(credential);
}

export interface ArgoApplicationProps {
  /** Application name (a DNS label). */
  readonly name: string;
  /** Namespace Argo CD is installed in. */
  readonly namespace: string;
  /** AppProject the Application belongs to. */
  readonly project: string;
  /** Git repository. */
  readonly repoURL: string;
  /** Branch, tag or commit. */
  readonly targetRevision: string;
  /** Folder inside the repository holding the unit's YAML files. */
  readonly path: string;
  /**
   * Glob selecting the unit's files in `path` (Argo CD `directory.include`, matched against each file's path
   * relative to `path`; `*` also matches `/`). Folders in `path` are never read: `directory.recurse` stays unset.
   * @default - every manifest file directly in `path`
   */
  readonly include?: string;
  /** Default namespace of the destination (every namespaced object of the platform names its own). */
  readonly destinationNamespace: string | (() => string);
  /** Sync wave in the parent Application: the unit's place in the apply order. */
  readonly wave: number;
  /** `spec.syncPolicy.syncOptions`; a function is evaluated at synthesis, when every unit is complete. @default ['CreateNamespace=false'] */
  readonly syncOptions?: readonly string[] | (() => readonly string[]);
  /**
   * Carry the resources finalizer, so deleting (or pruning) the Application deletes what it deployed.
   * @default true
   */
  readonly cascadeDelete?: boolean;
  /** Mark the Application `Prune=false`: a parent never deletes it, even when it leaves git. @default false */
  readonly neverPrune?: boolean;
  /** Lines shown in the Argo CD UI. @default [] */
  readonly info?: readonly ApplicationSpecInfo[];
  /** Labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * One Argo CD Application that syncs a folder of plain YAML automatically, with prune (what leaves git leaves the
 * cluster) and self-heal (manual edits are reverted), retrying with back-off while an earlier unit settles.
 */
export class ArgoApplication extends Construct {
  public readonly name: string;
  public readonly wave: number;
  public readonly path: string;
  public readonly include?: string;
  public readonly cascadeDelete: boolean;
  public readonly resource: Application;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name) || props.name.length > 63) {
      throw new Error(`ArgoApplication ${show(props.name)}: the name must be a DNS label of at most 63 characters; shorten gitops.project or the unit name.`);
    }
    checkRepoUrl(props.repoURL, `ArgoApplication ${props.name}`);
    this.name = props.name;
    this.wave = props.wave;
    this.path = props.path;
    this.include = props.include;
    this.cascadeDelete = props.cascadeDelete ?? true;
    const syncOptions = props.syncOptions ?? ['CreateNamespace=false'];
    const destinationNamespace = props.destinationNamespace;

    this.resource = new Application(this, 'Resource', {
      metadata: {
        ...argoMetadata(props, props.neverPrune === true),
        ...(this.cascadeDelete ? { finalizers: [RESOURCES_FINALIZER] } : {}),
      },
      spec: {
        project: props.project,
        source: {
          repoUrl: props.repoURL,
          targetRevision: props.targetRevision,
          path: props.path,
          // No `recurse: false`: it is the default, and Argo CD drops a false field when it writes the Application
          // back, which leaves the parent OutOfSync for ever (argoproj/argo-cd#4501).
          ...(props.include !== undefined ? { directory: { include: props.include } } : {}),
        },
        destination: {
          server: IN_CLUSTER,
          // Evaluated at synthesis: a unit's namespaces are known once all its objects exist.
          namespace: typeof destinationNamespace === 'function' ? lazyString(destinationNamespace) : destinationNamespace,
        },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions: typeof syncOptions === 'function' ? lazyList(syncOptions) : [...syncOptions],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        ...(props.info && props.info.length > 0 ? { info: [...props.info] } : {}),
      },
    });
  }
}

// cdk8s resolves `Lazy` values anywhere in an object's props when it renders the object.
function lazyString(produce: () => string): string {
  return Lazy.any({ produce });
}

function lazyList(produce: () => readonly string[]): string[] {
  return Lazy.any({ produce: () => [...produce()] });
}
