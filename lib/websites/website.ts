import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ControllerPods } from '../core/controller-pods';
import { show } from '../core/errors';
import { hardenedPodSpec } from '../core/hardened-pod';
import { EXPOSED_LABEL } from '../core/labels';
import { httpProbe } from '../observability/common';
import { credentialProblem, isDnsLabel } from '../core/validate';
import { imageName } from '../core/security';
import { Peers, PodsPeer } from '../network/peer';
import { DEFAULT_WEBSITE_POD_RESOURCES, WEBSITE_GIT_SYNC_IMAGE, WEBSITE_NGINX_IMAGE, WEBSITE_POD, WEBSITE_SERVICE_SUFFIX, WebsitePodResources } from './defaults';
import {
  BRANCH_MAX_LENGTH, BRANCH_PATTERN, GIT_REPO_MAX_LENGTH, GIT_REPO_PATTERN, SYNC_PERIOD_PATTERN, WEBSITE_API_VERSION, WEBSITE_DEFAULTS, WEBSITE_KIND,
  WEBSITE_REPLICAS,
} from './website-crd';

export interface WebsiteProps {
  /** Tenant namespace of the Website (the website controller must manage it: it has a Role there). */
  readonly namespace: string;
  /** Repository to serve: `https://host/path`, `ssh://git@host/path` or `git@host:path`, without credentials. */
  readonly gitRepo: string;
  /** Name of the Website object; the controller names its Deployment and Service `<name>-website`. @default - the construct id */
  readonly name?: string;
  /** Branch (or other ref) to check out. @default 'main' */
  readonly branch?: string;
  /** How often git-sync looks for new commits (`60s`, `5m`, `1h`). @default '60s' */
  readonly syncPeriod?: string;
  /** Pods serving the site, 1 to 10. @default 1 */
  readonly replicas?: number;
  /**
   * Resources of the website pods, as the controller is told them (WEBSITE_POD_RESOURCES): the quota and capacity
   * checks count the pods the controller will create with them. Keep it equal to the controller's.
   * @default DEFAULT_WEBSITE_POD_RESOURCES (the `websites.podResources` defaults)
   */
  readonly podResources?: WebsitePodResources;
  /** Whether the site is served through the entry point (its pods then carry `platform-kit.io/exposed: "true"`). @default false */
  readonly exposed?: boolean;
}

/**
 * One `Website` custom resource (extensions.example.com/v1): a static site the website controller serves with nginx
 * and git-sync, in a Deployment and a Service `<name>-website` it creates and owns. It needs the Website CRD, so it
 * belongs in a `needs-websites` unit, never at the top level of dist/. The pods the controller will create are
 * modelled by a {@link ControllerPods} child, so the tenant's quota, the nodes' capacity and the flows count them.
 */
export class Website extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly gitRepo: string;
  public readonly branch: string;
  public readonly syncPeriod: string;
  public readonly replicas: number;
  public readonly exposed: boolean;
  /** The Service the controller creates (ClusterIP, port 80 → container port `http`). */
  public readonly serviceName: string;
  public readonly servicePort: number = WEBSITE_POD.servicePort;
  /** Container port name of nginx in the website pods. */
  public readonly containerPort = 'http';
  /** The site's pods as a flow peer (the controller's selector labels). */
  public readonly pods: PodsPeer;
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: WebsiteProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = props.namespace;
    this.gitRepo = props.gitRepo;
    this.branch = props.branch ?? WEBSITE_DEFAULTS.branch;
    this.syncPeriod = props.syncPeriod ?? WEBSITE_DEFAULTS.syncPeriod;
    this.replicas = props.replicas ?? WEBSITE_DEFAULTS.replicas;
    this.exposed = props.exposed ?? false;
    this.validate();
    this.serviceName = `${this.name}${WEBSITE_SERVICE_SUFFIX}`;
    const selector = websiteSelector(this.name);
    this.pods = Peers.pods(this.namespace, selector, this.serviceName);

    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: WEBSITE_API_VERSION,
      kind: WEBSITE_KIND,
      metadata: { name: this.name, namespace: this.namespace, labels: { ...selector, 'app.kubernetes.io/part-of': 'platform-kit', 'app.kubernetes.io/managed-by': 'platform-kit' } },
      // Every field written out, defaults included: dist/ shows exactly what the controller acts on.
      spec: { gitRepo: this.gitRepo, branch: this.branch, syncPeriod: this.syncPeriod, replicas: this.replicas },
    } as any);

    const r = props.podResources ?? DEFAULT_WEBSITE_POD_RESOURCES;
    new ControllerPods(this, 'Pods', {
      namespace: this.namespace,
      name: this.serviceName,
      replicas: this.replicas,
      podLabels: { ...selector, 'app.kubernetes.io/managed-by': WEBSITE_POD.managedBy, ...(this.exposed ? { [EXPOSED_LABEL]: 'true' } : {}) },
      madeBy: `the website controller, for Website ${this.namespace}/${this.name}`,
      // The pod the contract describes (controller/website/ builds it): what the checks read is resources and ports.
      podSpec: hardenedPodSpec({
        uid: WEBSITE_POD.uid,
        containers: [
          {
            name: 'nginx',
            image: imageName(WEBSITE_NGINX_IMAGE),
            ports: [{ name: 'http', containerPort: WEBSITE_POD.httpPort, protocol: 'TCP' }],
            resources: r.nginx,
            readinessProbe: httpProbe('/', 'http'),
            livenessProbe: httpProbe('/', 'http'),
          },
          {
            name: 'git-sync',
            image: imageName(WEBSITE_GIT_SYNC_IMAGE),
            ports: [{ name: 'git-sync', containerPort: WEBSITE_POD.gitSyncHttpPort, protocol: 'TCP' }],
            resources: r.gitSync,
            readinessProbe: httpProbe('/', 'git-sync'),
            livenessProbe: httpProbe('/', 'git-sync'),
          },
        ],
      }),
    });
  }

  /** Early validation: the same rules as the CRD schema, with the prop, the value and the fix. */
  private validate(): void {
    const at = `Website ${this.node.path}`;
    const fail = (message: string): never => {
      throw new Error(`${at}: ${message}`);
    };
    if (!isDnsLabel(this.name)) fail(`name ${show(this.name)} is not a DNS label; use lowercase letters, digits and "-" (example: "xxhf").`);
    const longest = 63 - WEBSITE_SERVICE_SUFFIX.length;
    if (this.name.length > longest) fail(`name ${show(this.name)} is longer than ${longest} characters; the Service <name>${WEBSITE_SERVICE_SUFFIX} must be a DNS label — shorten it.`);
    if (!isDnsLabel(this.namespace)) fail(`namespace ${show(this.namespace)} is not a DNS label (example: "demo").`);
    if (typeof this.gitRepo !== 'string' || !new RegExp(GIT_REPO_PATTERN).test(this.gitRepo) || this.gitRepo.length > GIT_REPO_MAX_LENGTH) {
      fail(`gitRepo ${show(this.gitRepo)} is not a git URL git-sync can clone; write https://host/path, ssh://git@host/path or git@host:path (at most ${GIT_REPO_MAX_LENGTH} characters, example: "https://gitee.com/rocrunning/kubia-website-example.git").`);
    }
    const credential = credentialProblem(this.gitRepo, `${at}: gitRepo`, 'give the URL without credentials (a public repository needs none).');
    if (credential !== undefined) throw new Error(credential);
    if (!new RegExp(BRANCH_PATTERN).test(this.branch) || this.branch.length > BRANCH_MAX_LENGTH) {
      fail(`branch ${show(this.branch)} is not a git ref name; use letters, digits, "_", "-", "/" and single dots, not starting with "-" (example: "master").`);
    }
    if (!new RegExp(SYNC_PERIOD_PATTERN).test(this.syncPeriod)) fail(`syncPeriod ${show(this.syncPeriod)} is not a period; write a whole number of s, m or h (examples: "60s", "5m").`);
    if (!Number.isInteger(this.replicas) || this.replicas < WEBSITE_REPLICAS.minimum || this.replicas > WEBSITE_REPLICAS.maximum) {
      fail(`replicas ${show(this.replicas)} must be a whole number from ${WEBSITE_REPLICAS.minimum} to ${WEBSITE_REPLICAS.maximum}.`);
    }
  }
}

/** The selector labels of a site's pods, as the controller sets them. */
export function websiteSelector(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': WEBSITE_POD.name, 'app.kubernetes.io/instance': name };
}
