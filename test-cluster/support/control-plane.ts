import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, Processes, run, RunResult } from './processes';

const ROOT = path.resolve(__dirname, '..', '..');

/** Paths of the programs, built (once per machine, then cached) by scripts/cluster/build-binaries.sh. */
export interface Binaries {
  readonly 'kube-apiserver': string;
  readonly 'kube-controller-manager': string;
  readonly 'kube-scheduler': string;
  readonly kubectl: string;
  readonly etcd: string;
  readonly kwok: string;
  readonly 'kwok-stages': string;
}

export function buildBinaries(): Binaries {
  const out = execFileSync(path.join(ROOT, 'scripts', 'cluster', 'build-binaries.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return Object.fromEntries(out.trim().split('\n').map((line) => line.split(' ', 2))) as unknown as Binaries;
}

/** The admin's token (group system:masters); only ever valid for this throw-away API server on 127.0.0.1. */
const ADMIN_TOKEN = 'platform-kit-cluster-tier-admin';

/**
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on 127.0.0.1 only, on free ports, in a
 * temporary directory. The API server runs the RBAC authorizer and the PodSecurity admission plugin; clients
 * authenticate with a static token (the admin) and impersonate the users the RBAC checks need.
 */
export class ControlPlane {
  public readonly dir: string;
  public kubeconfig = '';
  /** The API server's version, as `kubectl version` reports it (set by start). */
  public version = '';
  private readonly processes: Processes;

  constructor(public readonly bin: Binaries) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-cluster-'));
    this.processes = new Processes(this.dir);
  }

  /** Where the API server writes its audit log (JSON lines) when started with an audit policy. */
  get auditLog(): string {
    return path.join(this.dir, 'audit.log');
  }

  /**
   * Starts everything; the pod and Service ranges are the config's (cluster.podCidr, cluster.serviceCidr).
   * `auditPolicyFile` is the policy dist/host/ gives the nodes: the API server refuses to start on one it cannot load.
   */
  async start(network: { podCidr: string; serviceCidr: string }, auditPolicyFile?: string): Promise<void> {
    const [etcdClient, etcdPeer, apiPort, kcmPort, schedPort, kwokPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const d = this.dir;
    fs.writeFileSync(`${d}/tokens.csv`, `${ADMIN_TOKEN},platform-kit-admin,platform-kit-admin,system:masters\n`);
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(`${d}/sa.key`, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(`${d}/sa.pub`, publicKey.export({ type: 'spki', format: 'pem' }));
    this.kubeconfig = `${d}/kubeconfig`;
    fs.writeFileSync(this.kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: lab',
      // The API server's serving certificate is self-signed into --cert-dir at start; only ever 127.0.0.1.
      `clusters: [{ name: lab, cluster: { server: "https://127.0.0.1:${apiPort}", insecure-skip-tls-verify: true } }]`,
      `users: [{ name: admin, user: { token: "${ADMIN_TOKEN}" } }]`,
      'contexts: [{ name: lab, context: { cluster: lab, user: admin } }]', '',
    ].join('\n'));

    this.processes.start('etcd', this.bin.etcd, [
      '--name=lab', `--data-dir=${d}/etcd`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`, `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=lab=http://127.0.0.1:${etcdPeer}`, '--unsafe-no-fsync', '--log-level=warn',
    ]);
    this.processes.start('kube-apiserver', this.bin['kube-apiserver'], [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`, `--cert-dir=${d}/apiserver-certs`,
      `--token-auth-file=${d}/tokens.csv`, '--authorization-mode=RBAC', '--anonymous-auth=false',
      '--enable-admission-plugins=PodSecurity', '--allow-privileged=true',
      `--service-cluster-ip-range=${network.serviceCidr}`,
      `--service-account-key-file=${d}/sa.pub`, `--service-account-signing-key-file=${d}/sa.key`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--profiling=false', '--v=1',
      ...(auditPolicyFile ? [`--audit-policy-file=${auditPolicyFile}`, `--audit-log-path=${this.auditLog}`, '--audit-log-format=json'] : []),
    ]);
    await this.waitFor('kube-apiserver', async () => (await this.kubectl(['get', '--raw=/readyz'])).code === 0, 120_000);
    this.version = JSON.parse(await this.kubectlOk(['version', '-o', 'json'])).serverVersion.gitVersion;

    const component = (port: number) => [
      `--kubeconfig=${this.kubeconfig}`, `--authentication-kubeconfig=${this.kubeconfig}`, `--authorization-kubeconfig=${this.kubeconfig}`,
      '--bind-address=127.0.0.1', `--secure-port=${port}`, '--leader-elect=false', '--profiling=false', '--v=1',
    ];
    this.processes.start('kube-controller-manager', this.bin['kube-controller-manager'], [
      ...component(kcmPort), `--service-account-private-key-file=${d}/sa.key`, `--root-ca-file=${d}/apiserver-certs/apiserver.crt`,
      `--service-cluster-ip-range=${network.serviceCidr}`, '--use-service-account-credentials=false',
    ]);
    this.processes.start('kube-scheduler', this.bin['kube-scheduler'], component(schedPort));
    this.processes.start('kwok', this.bin.kwok, [
      `--kubeconfig=${this.kubeconfig}`, `--config=${this.bin['kwok-stages']}`,
      // Only the lab's nodes (annotated by the harness), never another address: kwok serves on 127.0.0.1 only.
      '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=127.0.0.1:${kwokPort}`, '--node-ip=127.0.0.1', `--cidr=${network.podCidr}`, '--node-lease-duration-seconds=40',
    ]);
    // The controller-manager is up when it has created the default ServiceAccount of the default namespace.
    await this.waitFor('kube-controller-manager', async () => (await this.kubectl(['get', 'serviceaccount', 'default', '-n', 'default'])).code === 0, 120_000);
  }

  /**
   * kubectl as the admin; `--as`/`--as-group` in args impersonate another user. The kubeconfig comes from
   * KUBECONFIG, so `args` are exactly what a user types; `cwd` is the folder they type it in.
   */
  kubectl(args: readonly string[], input?: string, cwd?: string): Promise<RunResult> {
    return run(this.bin.kubectl, args, { input, cwd, env: { ...process.env, KUBECONFIG: this.kubeconfig, KUBECTL_EXTERNAL_DIFF: '' } });
  }

  /** kubectl that must succeed: throws with its stderr otherwise. */
  async kubectlOk(args: readonly string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async getJson(args: readonly string[]): Promise<any> {
    return JSON.parse(await this.kubectlOk([...args, '-o', 'json']));
  }

  /** Polls until `ready` holds; fails naming the program and its last log lines if it exited or time ran out. */
  async waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const dead = this.processes.exited();
      if (dead.length > 0) throw new Error(`${dead.join(', ')} exited while waiting for ${what}:\n${dead.map((n) => `--- ${n}\n${this.processes.tail(n)}`).join('\n')}`);
      if (await ready()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; its log ends:\n${this.processes.tail(what.split(' ')[0])}`);
  }

  /** Stops every program and removes the temporary directory (kept when PLATFORM_KIT_KEEP_CLUSTER_DIR=1). */
  async stop(): Promise<void> {
    await this.processes.stopAll();
    if (process.env.PLATFORM_KIT_KEEP_CLUSTER_DIR !== '1') fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
