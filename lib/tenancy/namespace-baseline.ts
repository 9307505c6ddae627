import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { show } from '../core/errors';
import { commonLabels, EXPOSED_LABEL } from '../core/labels';
import { Flow } from '../network/flow';
import { ManagedNamespaces } from '../network/managed-namespaces';
import { Peer, Peers, Port } from '../network/peer';
import {
  DEFAULT_LIMITS, DEFAULT_POD_SECURITY_LEVEL, DEFAULT_QUOTA, LimitSettings, POD_SECURITY_VERSION, PodSecurityLevel,
  QuotaSettings,
} from './defaults';
import { QuotaFromWorkloads, quotaFromWorkloads } from './workload-quota';
import { NAMESPACE_ADMIN_RULES, NAMESPACE_VIEWER_RULES, RoleSubjects, subjectProblems, toSubjects } from './rbac';

export interface PodSecuritySettings {
  /** Level whose violations are refused. @default 'restricted' */
  readonly enforce?: PodSecurityLevel;
  /** Level whose violations are written to the audit log. @default 'restricted' */
  readonly audit?: PodSecurityLevel;
  /** Level whose violations warn the user on apply. @default 'restricted' */
  readonly warn?: PodSecurityLevel;
}

/** Where cluster DNS runs, so every namespace may resolve names. */
export interface DnsSettings {
  /** @default 'kube-system' */
  readonly namespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } (kubeadm's CoreDNS and k3s's both carry it) */
  readonly podSelector?: Record<string, string>;
}

export interface NamespaceBaselineProps {
  /** Namespace name (a DNS label). */
  readonly name: string;
  /**
   * Who owns the namespace, written as `app.kubernetes.io/name` on the Namespace and every object of the baseline:
   * the name of the unit that applies it (`dist/NN-<part>.*`), e.g. `mysql`, `observability`, `registry`, `backup`.
   * `app.kubernetes.io/instance` is the namespace name, so `kubectl get ns -l app.kubernetes.io/name=observability`
   * lists the namespaces of dist/30-observability.
   */
  readonly part: string;
  /** Pod Security Admission levels. @default - enforce 'restricted', audit and warn 'restricted' */
  readonly podSecurity?: PodSecuritySettings;
  /** ResourceQuota of the namespace; fields not given keep their default (or the computed value). @default DEFAULT_QUOTA */
  readonly quota?: Partial<QuotaSettings>;
  /**
   * Compute the ResourceQuota at synth time from the pod templates, claims and Services really in the namespace
   * (the same count the quota-fit check makes), so it cannot drift from them; fields given in `quota` still win.
   * Platform namespaces use it.
   * @default - the quota is `quota` over DEFAULT_QUOTA
   */
  readonly quotaFromWorkloads?: QuotaFromWorkloads;
  /** LimitRange of the namespace; fields not given keep their default. @default DEFAULT_LIMITS */
  readonly limits?: Partial<LimitSettings>;
  /**
   * `metadata.name` of the ResourceQuota. Renaming it in a running cluster leaves the old one enforced beside the new
   * one until it is deleted (docs/deploying.md, "Platform namespaces no longer carry tenant names").
   * @default 'namespace-quota'
   */
  readonly resourceQuotaName?: string;
  /** `metadata.name` of the LimitRange (the same caveat as `resourceQuotaName`). @default 'namespace-limits' */
  readonly limitRangeName?: string;
  /** Whether pods of the namespace may talk to each other on any port. @default true */
  readonly allowSameNamespace?: boolean;
  /**
   * The ingress controller's namespace: its pods may reach pods labelled `platform-kit.io/exposed: "true"`.
   * @default - no ingress allowance
   */
  readonly ingressControllerNamespace?: string;
  /**
   * Namespaces whose pods may reach every pod here, on any port (`Peers.namespace()`; their egress side is written
   * where the platform manages them, see ManagedNamespaces).
   * @default []
   */
  readonly allowFrom?: readonly Peer[];
  /** Subjects bound to the namespace-admin Role. @default - no binding */
  readonly admins?: RoleSubjects;
  /** Subjects bound to the namespace-viewer Role. @default - no binding */
  readonly viewers?: RoleSubjects;
  /** Cluster DNS location. @default - kube-system pods labelled k8s-app=kube-dns */
  readonly dns?: DnsSettings;
  /** `app.kubernetes.io/component` of the baseline's objects. @default 'namespace-baseline' */
  readonly component?: string;
}

/** Names of the baseline's quota and limits when a caller gives none: they hold a namespace's, not a tenant's. */
export const NAMESPACE_QUOTA_NAME = 'namespace-quota';
export const NAMESPACE_LIMITS_NAME = 'namespace-limits';

const LEVEL_RANK: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

/**
 * The baseline every namespace Platform Kit manages starts from, the platform's own (MySQL, observability, Harbor,
 * Velero) and the tenants' ({@link TenantNamespace} builds on it): Pod Security labels, LimitRange, ResourceQuota,
 * default-deny NetworkPolicies plus exactly the flows that are needed, and namespace-scoped RBAC. Its objects carry
 * the owning part's name (`part`), so a platform namespace never reads as a tenant's.
 */
export class NamespaceBaseline extends Construct {
  public readonly name: string;
  public readonly enforce: PodSecurityLevel;
  private readonly quotaProps: Pick<NamespaceBaselineProps, 'quota' | 'quotaFromWorkloads'>;
  public readonly limits: LimitSettings;
  public readonly allowSameNamespace: boolean;
  /** Labels other parts asked for (`addLabels`), e.g. a mesh's enrollment. */
  private readonly extraLabels: Record<string, string> = {};
  private readonly ownLabels: Record<string, string>;
  private readonly namespaceObject: k8s.KubeNamespace;
  private readonly constructName: string;

  constructor(scope: Construct, id: string, props: NamespaceBaselineProps) {
    super(scope, id);
    // Errors name the construct the caller wrote (TenantNamespace, NamespaceBaseline or their own subclass).
    const construct = new.target.name;
    this.constructName = construct;
    this.name = props.name;
    ManagedNamespaces.recordCreated(this, this.name);
    this.enforce = props.podSecurity?.enforce ?? DEFAULT_POD_SECURITY_LEVEL;
    const audit = props.podSecurity?.audit ?? 'restricted';
    const warn = props.podSecurity?.warn ?? 'restricted';
    if (LEVEL_RANK[audit] < LEVEL_RANK[this.enforce] || LEVEL_RANK[warn] < LEVEL_RANK[this.enforce]) {
      throw new Error(`${construct} ${show(this.name)}: podSecurity audit/warn (${audit}/${warn}) must not be looser than enforce (${this.enforce}); raise them to at least ${this.enforce}.`);
    }
    this.quotaProps = { quota: props.quota, quotaFromWorkloads: props.quotaFromWorkloads };
    this.limits = { ...DEFAULT_LIMITS, ...props.limits };
    this.allowSameNamespace = props.allowSameNamespace ?? true;
    const labels = commonLabels({ name: props.part, instance: this.name, component: props.component ?? 'namespace-baseline' });

    this.ownLabels = {
      ...labels,
      'pod-security.kubernetes.io/enforce': this.enforce,
      'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/audit': audit,
      'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
      'pod-security.kubernetes.io/warn': warn,
      'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
    };
    this.namespaceObject = new k8s.KubeNamespace(this, 'Resource', { metadata: { name: this.name, labels: { ...this.ownLabels } } });

    const meta = (name: string) => ({ name, namespace: this.name, labels });
    const hard = (q: QuotaSettings) => ({
      'requests.cpu': q.cpu,
      'requests.memory': q.memory,
      'limits.cpu': q.limitsCpu,
      'limits.memory': q.limitsMemory,
      'pods': String(q.pods),
      'persistentvolumeclaims': String(q.persistentVolumeClaims),
      'requests.storage': q.storage,
      'services.nodeports': String(q.nodePorts),
      'services.loadbalancers': String(q.loadBalancers),
    });
    // A plain ApiObject: the typed KubeResourceQuota cannot take a Lazy for spec.hard, and a computed quota is only
    // known once every workload of the namespace exists (synth time).
    new ApiObject(this, 'Quota', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: meta(props.resourceQuotaName ?? NAMESPACE_QUOTA_NAME),
      spec: { hard: props.quotaFromWorkloads ? Lazy.any({ produce: () => hard(this.quota) }) : hard(this.quota) },
    });

    const l = this.limits;
    const cpuMem = (v: { cpu: string; memory: string }) => ({
      cpu: k8s.Quantity.fromString(v.cpu),
      memory: k8s.Quantity.fromString(v.memory),
    });
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: meta(props.limitRangeName ?? NAMESPACE_LIMITS_NAME),
      spec: {
        limits: [
          { type: 'Container', defaultRequest: cpuMem(l.defaultRequest), default: cpuMem(l.default), min: cpuMem(l.min), max: cpuMem(l.max) },
          { type: 'PersistentVolumeClaim', max: { storage: k8s.Quantity.fromString(l.maxPvcSize) } },
        ],
      },
    });

    // The namespace's own `default` ServiceAccount stops handing out API tokens: pods that need the API get a
    // ServiceAccount of their own (CIS Kubernetes Benchmark 5.1.5).
    new k8s.KubeServiceAccount(this, 'DefaultServiceAccount', {
      metadata: meta('default'),
      automountServiceAccountToken: false,
    });

    this.addNetworkBaseline(props, labels);
    this.addRbac(props, labels, construct);
  }

  /**
   * Adds labels another part needs on this namespace (a mesh's enrollment). A label the baseline writes itself
   * (Pod Security, `app.kubernetes.io/*`) or another caller set to a different value is refused: `by` names the asker.
   */
  addLabels(labels: Readonly<Record<string, string>>, by: string): void {
    const at = `${this.constructName} ${show(this.name)}`;
    for (const [key, value] of Object.entries(labels)) {
      if (key in this.ownLabels) throw new Error(`${at}: ${by} asks for label ${key}=${show(value)}, which the namespace baseline writes itself (${show(this.ownLabels[key])}); it cannot be overridden.`);
      const set = this.extraLabels[key];
      if (set !== undefined && set !== value) throw new Error(`${at}: ${by} asks for label ${key}=${show(value)}, but it is already ${show(set)}; two parts disagree — keep one.`);
      this.extraLabels[key] = value;
      // Added after the baseline's own labels, so a namespace nobody asks anything of is written as before.
      this.namespaceObject.metadata.addLabel(key, value);
    }
  }

  /** The namespace's ResourceQuota; a computed one is known only once its workloads exist (call it at synth time). */
  get quota(): QuotaSettings {
    const { quota, quotaFromWorkloads: fromWorkloads } = this.quotaProps;
    if (!fromWorkloads) return { ...DEFAULT_QUOTA, ...quota };
    return { ...quotaFromWorkloads(this, this.name, fromWorkloads, this.limits), ...quota };
  }

  /** Every pod of this namespace, as a flow peer. */
  toPeer(): Peer {
    return Peers.namespace(this.name);
  }

  /** Pods of this namespace selected by labels, as a flow peer. */
  pods(selector: Record<string, string>, name: string): Peer {
    return Peers.pods(this.name, selector, name);
  }

  private addNetworkBaseline(props: NamespaceBaselineProps, labels: Record<string, string>): void {
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: {
        name: 'default-deny',
        namespace: this.name,
        labels,
        annotations: { 'platform-kit.io/flow': 'deny all ingress and egress of every pod unless a flow allows it' },
      },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });

    const self = Peers.namespace(this.name);
    const dns = props.dns ?? {};
    new Flow(this, 'Dns', {
      name: 'allow-dns',
      from: self,
      to: Peers.externalPods(dns.namespace ?? 'kube-system', dns.podSelector ?? { 'k8s-app': 'kube-dns' }, 'kube-dns'),
      ports: Port.dns(),
      description: 'every pod resolves names through cluster DNS',
    });
    if (this.allowSameNamespace) {
      new Flow(this, 'SameNamespace', {
        name: 'allow-same-namespace',
        from: self,
        to: self,
        description: 'pods of the namespace talk to each other (tenants.allowSameNamespace)',
      });
    }
    if (props.ingressControllerNamespace !== undefined) {
      new Flow(this, 'IngressController', {
        name: 'allow-ingress-controller',
        from: Peers.externalNamespace(props.ingressControllerNamespace),
        to: Peers.pods(this.name, { [EXPOSED_LABEL]: 'true' }, 'exposed-pods'),
        description: `the ingress controller reaches pods labelled ${EXPOSED_LABEL}=true`,
      });
    }
    for (const source of props.allowFrom ?? []) {
      new Flow(this, `From-${source.name}`, {
        name: `allow-from-${source.name}`,
        from: source,
        to: self,
        description: `${this.name} allows traffic from ${source.name} (allowFrom)`,
      });
    }
  }

  private addRbac(props: NamespaceBaselineProps, labels: Record<string, string>, construct: string): void {
    const roles: Array<[string, string, k8s.PolicyRule[], RoleSubjects | undefined]> = [
      ['Admin', 'namespace-admin', NAMESPACE_ADMIN_RULES, props.admins],
      ['Viewer', 'namespace-viewer', NAMESPACE_VIEWER_RULES, props.viewers],
    ];
    for (const [id, name, rules, subjects] of roles) {
      const [refused] = subjects ? subjectProblems(subjects, `${construct} ${this.name}: ${id === 'Admin' ? 'admins' : 'viewers'}`) : [];
      if (refused !== undefined) throw new Error(refused);
      new k8s.KubeRole(this, `${id}Role`, { metadata: { name, namespace: this.name, labels }, rules });
      const bound = subjects ? toSubjects(subjects) : [];
      if (bound.length > 0) {
        new k8s.KubeRoleBinding(this, `${id}Binding`, {
          metadata: { name, namespace: this.name, labels },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: bound,
        });
      }
    }
  }
}
