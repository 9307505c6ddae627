import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { checkCapacity } from '../lib/checks/capacity';
import { parseConfig } from '../lib/config/load';
import { PlatformConfig } from '../lib/config/platform-config';
import { formatBytes, formatCpu, parseQuantity } from '../lib/core/quantity';
import { CRD_FOLDER_PREFIX } from '../lib/output/layout';
import { deleteCommand, planChanges, readTree } from '../lib/output/plan';
import { synthesizeObjects } from '../lib/output/synthesized';
import { writeOutput } from '../lib/output/write';
import { buildPlatform } from '../lib/pipeline/build-platform';
import { synthesize } from '../lib/pipeline/synthesize';
import { APPLY, APPLY_SERVER_SIDE, applyComplaints, complaints, crdFolders, filesKubectlReads, kubectlName, manifestsKubectlReads, manifestsOf, onDist } from './support/apply';
import { canI, eventually, namespacesOf, placement, readyEndpointPods, settledWorkloads, whyNotReady } from './support/cluster-state';
import { ControlPlane } from './support/control-plane';
import { applyCrdFolder } from './support/crd-folders';
import { startLab } from './support/start-lab';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const DEFAULT_YAML = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8');
const config: PlatformConfig = parseConfig(DEFAULT_YAML);

/** The audit policy dist/host/ gives the control-plane nodes; the lab's API server runs with it. */
const AUDIT_POLICY = path.join(DIST, 'host', 'kube-apiserver', 'audit-policy.yaml');
const DEPLOYING_MD = fs.readFileSync(path.join(ROOT, 'docs', 'deploying.md'), 'utf8');

/** The vanilla platform: the objects of the YAML files at the top level of dist/, which `kubectl apply -f dist` reads. */
const platformManifests = manifestsKubectlReads(DIST);
/** What kubectl prints for each object it applies, e.g. `deployment.apps/helloworld`. */
const platformNames = platformManifests.map(kubectlName).sort();
const platformNamespaces = namespacesOf(platformManifests);
const hpas = platformManifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');

/**
 * Every `default` ServiceAccount of `manifests` is ours in the cluster, adopted or not: it carries our settings
 * (no token automount) and kubectl's last-applied annotation, so later applies neither warn nor miss a change.
 */
async function expectDefaultServiceAccountsOurs(manifests: readonly any[]): Promise<void> {
  const ours = manifests.filter((m) => m.kind === 'ServiceAccount' && m.metadata.name === 'default');
  expect(ours.length).toBeGreaterThan(0);
  for (const m of ours) {
    const live = await cluster.getJson(['get', 'serviceaccount', 'default', '-n', m.metadata.namespace]);
    expect({ namespace: m.metadata.namespace, automount: live.automountServiceAccountToken, annotated: 'kubectl.kubernetes.io/last-applied-configuration' in (live.metadata.annotations ?? {}) })
      .toEqual({ namespace: m.metadata.namespace, automount: m.automountServiceAccountToken, annotated: true });
  }
}

/** The summary printed at the end: one section per proof. */
const summary: Record<string, string[]> = {};

let cluster: ControlPlane;

beforeAll(async () => {
  cluster = await startLab(config.cluster, AUDIT_POLICY);
}, 90 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  const lines = Object.entries(summary).flatMap(([title, body]) => [`${title}:`, ...body.map((l) => `  ${l}`)]);
  if (lines.length > 0) process.stdout.write(`\nCluster tier summary (Kubernetes ${cluster?.version ?? '?'} on 127.0.0.1)\n${lines.join('\n')}\n`);
}, 60_000);

describe('dist/ on a real Kubernetes control plane', () => {
  test('the lab is the cluster of platform.yaml: its nodes, Ready, with allocatable = size - reservedPerNode', async () => {
    const live = (await cluster.getJson(['get', 'nodes'])).items.map((n: any) => ({
      name: n.metadata.name,
      ip: n.status.addresses.find((a: any) => a.type === 'InternalIP')?.address,
      allocatable: { cpu: formatCpu(parseQuantity(n.status.allocatable.cpu)), memory: formatBytes(parseQuantity(n.status.allocatable.memory)) },
      tainted: (n.spec.taints ?? []).some((t: any) => t.key === 'node-role.kubernetes.io/control-plane' && t.effect === 'NoSchedule'),
      ready: n.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'),
    }));
    const reserved = config.cluster.reservedPerNode;
    expect(live).toEqual(config.cluster.nodes.map((n) => ({
      name: n.name,
      ip: n.ip,
      allocatable: { cpu: formatCpu(parseQuantity(n.cpu) - parseQuantity(reserved.cpu)), memory: formatBytes(parseQuantity(n.memory) - parseQuantity(reserved.memory)) },
      tainted: !n.schedulable,
      ready: true,
    })));
    summary.lab = live.map((n: any) => `${n.name} ${n.ip}: allocatable ${n.allocatable.cpu} CPU / ${n.allocatable.memory}${n.tainted ? ', control-plane taint' : ''}, Ready`);
  });

  test('`kubectl apply -f dist`, as typed, applies every vanilla object in one pass, no CRD-dependent one, with no error and no warning (but the documented default-ServiceAccount note)', async () => {
    // The command under test is the one the docs give users (a rename there must be made here too).
    expect(DEPLOYING_MD).toContain(`\`${APPLY.join(' ')}\``);
    expect(crdFolders(DIST).length).toBeGreaterThan(0);
    const r = await onDist(cluster, DIST, APPLY);
    const { complaints: warningsAndErrors, adoptedDefaultServiceAccounts } = applyComplaints(r, platformManifests);
    expect({ exitCode: r.code, warningsAndErrors }).toEqual({ exitCode: 0, warningsAndErrors: [] });
    await expectDefaultServiceAccountsOurs(platformManifests);
    // One line per object kubectl sent, `kind.group/name created`: exactly the objects of the top-level files.
    const applied = r.stdout.trim().split('\n').filter((l) => l !== '');
    expect(applied.map((l) => l.replace(/ (created|configured)$/, '')).sort()).toEqual(platformNames);
    // Created, all of them, but the `default` ServiceAccounts the controller-manager was quicker to create: adopted.
    expect(applied.filter((l) => !l.endsWith(' created')).sort()).toEqual(Array(adoptedDefaultServiceAccounts).fill('serviceaccount/default configured'));
    // Nothing of a needs-* folder was sent: its kinds have no API on this cluster (no CRDs yet), so kubectl would
    // have failed with "no matches for kind", and none of their names is in the output.
    const crdDependent = crdFolders(DIST).flatMap((f) => filesKubectlReads(path.join(DIST, f)).flatMap((file) => manifestsOf(path.join(DIST, f, file))));
    expect(crdDependent.length).toBeGreaterThan(0);
    expect(crdDependent.map(kubectlName).filter((n) => applied.some((l) => l.startsWith(`${n} `)))).toEqual([]);
    summary['objects applied'] = [`${applied.length} by \`${APPLY.join(' ')}\` (client-side, strict validation, no warning but ${adoptedDefaultServiceAccounts} adoption note(s) for a default ServiceAccount), from ${filesKubectlReads(DIST).length} top-level files; ${crdDependent.length} in ${crdFolders(DIST).join(', ')} left alone`];
  });

  test('the server-side form of the docs is accepted on the same cluster too (dry run: no conflict, no warning)', async () => {
    expect(DEPLOYING_MD).toContain(`\`${APPLY_SERVER_SIDE.join(' ')}\``);
    // A dry run, so the cluster stays on one form (docs/deploying.md: keep one form per cluster); it proves the
    // documented move from client-side to server-side goes through without a conflict.
    const r = await onDist(cluster, DIST, [...APPLY_SERVER_SIDE, '--dry-run=server']);
    expect({ exitCode: r.code, warningsAndErrors: complaints(r) }).toEqual({ exitCode: 0, warningsAndErrors: [] });
    const lines = r.stdout.trim().split('\n').filter((l) => l !== '');
    expect(lines.map((l) => l.replace(/ serverside-applied \(server dry run\)$/, '')).sort()).toEqual(platformNames);
    summary['objects applied'].push(`${lines.length} accepted by \`${APPLY_SERVER_SIDE.join(' ')}\` (server dry run, no conflict)`);
  });

  test('every needs-* folder applies cleanly once the CRDs it needs (schemas/crds) are installed', async () => {
    for (const folder of crdFolders(DIST)) {
      const r = await applyCrdFolder(cluster, DIST, folder);
      expect({ folder, crdMissingFromSchemasCrds: r.crdMissingFromSchemasCrds }).toEqual({ folder, crdMissingFromSchemasCrds: [] });
      expect({ folder, exitCode: r.exitCode, warningsAndErrors: r.warningsAndErrors }).toEqual({ folder, exitCode: 0, warningsAndErrors: [] });
      expect(r.applied).toEqual(r.expected);
      summary['objects applied'].push(`${r.applied.length} by \`${r.command.join(' ')}\` after ${r.crdFiles.length > 0 ? r.crdFiles.map((f) => `schemas/crds/${f}`).join(', ') : 'the CRDs dist/ itself ships'}`);
    }
  });

  test('every Deployment, StatefulSet and DaemonSet reaches its desired ready replicas', async () => {
    const { status, notReady, why } = await settledWorkloads(cluster, platformNamespaces, hpas);
    expect({ notReady, why }).toEqual({ notReady: [], why: [] });
    expect(status.length).toBe(platformManifests.filter((m) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(m.kind)).length);
    summary['workloads ready'] = status.map((w) => `${w.ref} ${w.ready}/${w.desired}`);
  });

  test('the scheduler places every pod, and the placement agrees with the synth capacity table', async () => {
    const { nodes, unscheduled } = await placement(cluster, platformNamespaces);
    const why = unscheduled.length > 0 ? await whyNotReady(cluster, platformNamespaces) : [];
    expect({ unscheduled, why }).toEqual({ unscheduled: [], why: [] });
    const capacity = checkCapacity(synthesizeObjects(buildPlatform(config)), config.cluster);
    expect(capacity.problems).toEqual([]);
    // The synth's table: one row per node, pods in the last column.
    const synthPods = Object.fromEntries(config.cluster.nodes.map((n) => {
      const row = capacity.table.find((l) => l.trim().startsWith(`${n.name} `));
      return [n.name, Number(row?.trim().split(/\s+/).pop())];
    }));
    expect(nodes.map((n) => n.node).sort()).toEqual(config.cluster.nodes.map((n) => n.name).sort());
    // The synth counts an autoscaled workload at its maxReplicas (the worst case); the cluster runs what the HPA chose.
    let autoscaledBelowMax = 0;
    for (const h of hpas) {
      const live = await cluster.getJson(['get', 'deployment', h.spec.scaleTargetRef.name, '-n', h.metadata.namespace]);
      autoscaledBelowMax += h.spec.maxReplicas - live.spec.replicas;
    }
    expect(nodes.reduce((s, n) => s + n.pods, 0)).toBe(Object.values(synthPods).reduce((s, n) => s + n, 0) - autoscaledBelowMax);
    for (const n of nodes) {
      expect({ node: n.node, fitsCpu: n.cpu <= n.allocatableCpu + 1e-9, fitsMemory: n.memory <= n.allocatableMemory }).toEqual({ node: n.node, fitsCpu: true, fitsMemory: true });
    }
    // The control-plane node carries exactly what tolerates its taint (the DaemonSets), in both.
    const master = config.cluster.nodes.find((n) => !n.schedulable);
    if (master) expect(nodes.find((n) => n.node === master.name)?.pods).toBe(synthPods[master.name]);
    summary['pods per node (scheduler | synth table)'] = [
      ...nodes.map((n) => `${n.node.padEnd(12)} ${String(n.pods).padStart(2)} pods, ${formatCpu(n.cpu)}/${formatCpu(n.allocatableCpu)} CPU, ${formatBytes(n.memory)}/${formatBytes(n.allocatableMemory)} | synth ${synthPods[n.node]} pods`),
      ...capacity.table.map((l) => `synth: ${l}`),
      `(the synth counts autoscaled workloads at maxReplicas: ${autoscaledBelowMax} pod(s) more than the HPAs run now)`,
    ];
  });

  test('every pre-bound claim binds to exactly its PersistentVolume', async () => {
    const expected = platformManifests.filter((m) => m.kind === 'PersistentVolume' && m.spec.claimRef)
      .map((pv) => ({ claim: `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}`, volume: pv.metadata.name, phase: 'Bound' }));
    expect(expected.length).toBeGreaterThan(0);
    const claims = (await cluster.getJson(['get', 'pvc', '-A'])).items
      .filter((c: any) => platformNamespaces.includes(c.metadata.namespace))
      .map((c: any) => ({ claim: `${c.metadata.namespace}/${c.metadata.name}`, volume: c.spec.volumeName, phase: c.status.phase }));
    const byName = (a: { claim: string }, b: { claim: string }) => a.claim.localeCompare(b.claim);
    expect(claims.sort(byName)).toEqual(expected.sort(byName));
    summary['claims bound'] = claims.map((c: any) => `${c.claim} -> ${c.volume}`);
  });

  test('Services have the endpoints they should: mysql-primary only mysql-0, mysql-read every member', async () => {
    const members = Array.from({ length: config.mysql.replicas }, (_, i) => `mysql-${i}`);
    const same = (want: string[]) => (got: string[]) => JSON.stringify(got) === JSON.stringify(want);
    expect(await eventually(() => readyEndpointPods(cluster, 'mysql', 'mysql-primary'), same(['mysql-0']))).toEqual(['mysql-0']);
    expect(await eventually(() => readyEndpointPods(cluster, 'mysql', 'mysql-read'), same(members))).toEqual(members);
    const services = platformManifests.filter((m) => m.kind === 'Service' && m.spec.selector);
    const endpoints: string[] = [];
    for (const s of services) {
      const pods = await eventually(() => readyEndpointPods(cluster, s.metadata.namespace, s.metadata.name), (p) => p.length > 0);
      endpoints.push(`${s.metadata.namespace}/${s.metadata.name}: ${pods.join(', ') || '(none)'}`);
    }
    expect(endpoints.filter((e) => e.endsWith('(none)'))).toEqual([]);
    summary.endpoints = endpoints;
  });

  test('PodDisruptionBudgets cover their pods and report the disruptions they allow; CronJobs and HPAs are accepted', async () => {
    const settled = (p: any) => p.status?.observedGeneration === p.metadata.generation && p.status.currentHealthy === p.status.expectedPods;
    const pdbs = await eventually(
      async () => (await cluster.getJson(['get', 'pdb', '-A'])).items.filter((p: any) => platformNamespaces.includes(p.metadata.namespace)),
      (list: any[]) => list.every(settled),
    );
    expect(pdbs.length).toBe(platformManifests.filter((m) => m.kind === 'PodDisruptionBudget').length);
    for (const p of pdbs) {
      const s = p.status ?? {};
      expect({ pdb: p.metadata.name, coversPods: s.expectedPods > 0, allHealthy: s.currentHealthy === s.expectedPods, allowed: s.disruptionsAllowed })
        .toEqual({ pdb: p.metadata.name, coversPods: true, allHealthy: true, allowed: s.currentHealthy - s.desiredHealthy });
    }
    for (const kind of ['CronJob', 'HorizontalPodAutoscaler']) {
      for (const m of platformManifests.filter((x) => x.kind === kind)) {
        expect((await cluster.kubectl(['get', kind.toLowerCase(), '-n', m.metadata.namespace, m.metadata.name])).code).toBe(0);
      }
    }
    summary['disruption budgets'] = pdbs.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}: ${p.status.disruptionsAllowed} allowed (${p.status.currentHealthy}/${p.status.expectedPods} healthy)`);
  });

  test('every CronJob\'s pod is admitted and runs: a Job created from it completes', async () => {
    const cronJobs = platformManifests.filter((m) => m.kind === 'CronJob');
    expect(cronJobs.length).toBeGreaterThan(0);
    const results: string[] = [];
    for (const c of cronJobs) {
      const ns = c.metadata.namespace;
      const job = `${c.metadata.name}-cluster-tier`.slice(0, 52);
      await cluster.kubectlOk(['create', 'job', job, `--from=cronjob/${c.metadata.name}`, '-n', ns]);
      let status: any = {};
      for (let i = 0; i < 60 && !(status.succeeded >= 1); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        status = (await cluster.getJson(['get', 'job', job, '-n', ns])).status ?? {};
      }
      const why = status.succeeded >= 1 ? [] : await whyNotReady(cluster, [ns]);
      results.push(`${ns}/${c.metadata.name}: ${status.succeeded >= 1 ? 'completed' : `not completed ${JSON.stringify(status)} ${why.join('; ')}`}`);
      await cluster.kubectlOk(['delete', 'job', job, '-n', ns, '--cascade=foreground', '--wait=true']);
    }
    expect(results).toEqual(cronJobs.map((c) => `${c.metadata.namespace}/${c.metadata.name}: completed`));
    summary['CronJobs'] = results.map((r) => `${r} (a Job created from it, admitted within the namespace's quota and Pod Security)`);
  });

  test('a second `kubectl apply -f dist`, after the controllers settled, changes nothing', async () => {
    // `kubectl diff` sends the same apply as a server-side dry run: exit 0 and no output mean nothing would change.
    const diff = await onDist(cluster, DIST, ['kubectl', 'diff', '-f', 'dist']);
    expect({ exitCode: diff.code, diff: diff.stdout, stderr: diff.stderr }).toEqual({ exitCode: 0, diff: '', stderr: '' });
    const generations = async () => {
      const list = JSON.parse((await onDist(cluster, DIST, ['kubectl', 'get', '-f', 'dist', '-o', 'json'])).stdout);
      return Object.fromEntries(list.items.map((o: any) => [`${o.metadata.namespace ?? ''} ${kubectlName(o)}`, o.metadata.generation ?? null]));
    };
    const before = await generations();
    const again = await onDist(cluster, DIST, APPLY);
    expect({ exitCode: again.code, warningsAndErrors: complaints(again) }).toEqual({ exitCode: 0, warningsAndErrors: [] });
    const lines = again.stdout.trim().split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(platformManifests.length);
    // kubectl reports "configured" whenever its patch is not empty. A PodDisruptionBudget's selector has the patch
    // strategy "replace", so client-side apply re-sends it every time; the API server finds it equal and changes
    // nothing. Everything else must be "unchanged", and nothing's generation (its spec version) may move.
    expect(lines.filter((l) => !l.endsWith(' unchanged') && !/^poddisruptionbudget\.policy\/\S+ configured$/.test(l))).toEqual([]);
    expect(await generations()).toEqual(before);
    summary['objects applied'].push(`second run: \`kubectl diff -f dist\` empty; ${lines.filter((l) => l.endsWith(' unchanged')).length} objects unchanged, ${lines.filter((l) => !l.endsWith(' unchanged')).length} PodDisruptionBudget(s) re-sent (selector patch strategy replace) with no change`);
  });

  test('Pod Security is enforced: a privileged pod is refused in a tenant namespace', async () => {
    const tenant = config.tenants[0].name;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'privileged', namespace: tenant }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] } };
    const r = await cluster.kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(pod));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"|violates PodSecurity "restricted:v1\.\d+"/);
    expect(r.stderr).toMatch(/privileged/);
    // Each of our workloads was admitted: no controller reported FailedCreate (checked with readiness above).
    const refused = (await cluster.getJson(['get', 'events', '-A', '--field-selector=reason=FailedCreate'])).items.filter((e: any) => platformNamespaces.includes(e.metadata.namespace));
    expect(refused.map((e: any) => e.message)).toEqual([]);
    summary['Pod Security'] = [`privileged pod refused in ${tenant}: ${r.stderr.trim().split('\n')[0].slice(0, 140)}`, `all ${platformNamespaces.length} platform namespaces admitted every pod of ours`];
  });

  test('the API server loads dist/host/\'s audit policy and records what it says: Secrets by metadata only, RBAC changes in full', async () => {
    // GIVEN the lab's API server, started with the policy (it refuses to start on one it cannot load)
    // WHEN an admin reads Secrets and changes a Role
    const ns = config.tenants[0].name;
    await cluster.kubectlOk(['get', 'secrets', '-n', ns]);
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'audit-probe', namespace: ns }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] };
    await cluster.kubectlOk(['create', '-f', '-'], JSON.stringify(role));
    await cluster.kubectlOk(['delete', 'role', 'audit-probe', '-n', ns]);
    // THEN the log has the Secret read at Metadata (no body: a Secret's value never reaches the log)
    const events = fs.readFileSync(cluster.auditLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const secretReads = events.filter((e) => e.objectRef?.resource === 'secrets' && e.objectRef?.namespace === ns && e.verb === 'list');
    expect(secretReads.map((e) => ({ level: e.level, body: 'responseObject' in e || 'requestObject' in e }))).toContainEqual({ level: 'Metadata', body: false });
    expect(events.filter((e) => e.objectRef?.resource === 'secrets' && ('responseObject' in e || 'requestObject' in e))).toEqual([]);
    // AND the Role's creation in full, request and response
    const roleCreate = events.find((e) => e.objectRef?.resource === 'roles' && e.objectRef?.name === 'audit-probe' && e.verb === 'create');
    expect({ level: roleCreate?.level, request: roleCreate?.requestObject?.metadata?.name, response: roleCreate?.responseObject?.metadata?.name })
      .toEqual({ level: 'RequestResponse', request: 'audit-probe', response: 'audit-probe' });
    // AND no event from the stages the policy omits
    expect(events.filter((e) => e.stage === 'RequestReceived')).toEqual([]);
    summary['Audit policy'] = [`loaded by kube-apiserver ${cluster.version}; ${events.length} events: Secret reads at Metadata without bodies, Role create at RequestResponse`];
  });

  describe('a changed config (a tenant added, an app removed)', () => {
    const newTenant = 'team-new';
    const admin = { user: 'alice', groups: [`${newTenant}-admins`] };
    const viewer = { user: 'victor', groups: [`${newTenant}-viewers`] };
    let changedDist = '';

    beforeAll(() => {
      const doc = parse(DEFAULT_YAML);
      doc.tenants.push({ name: newTenant, admins: { groups: admin.groups }, viewers: { groups: viewer.groups } });
      doc.apps = [];
      // The lab runs 1.36, so the changed config says so: that adds the externalIPs admission policy (from 1.30).
      doc.cluster.version = cluster.version.replace(/^v(\d+\.\d+)\..*$/, '$1');
      changedDist = path.join(cluster.dir, 'changed', 'dist');
      writeOutput(changedDist, synthesize(parseConfig(stringify(doc))).files);
    });

    test('applies cleanly; the new tenant appears; kubectl keeps the removed app, and the docs\' pruning advice deletes exactly what `npm run plan` lists as removed', async () => {
      const r = await onDist(cluster, changedDist, APPLY);
      const changedManifests = manifestsKubectlReads(changedDist);
      expect({ exitCode: r.code, warningsAndErrors: applyComplaints(r, changedManifests.filter((m) => m.metadata.namespace === newTenant)).complaints })
        .toEqual({ exitCode: 0, warningsAndErrors: [] });
      await expectDefaultServiceAccountsOurs(changedManifests);
      expect((await cluster.kubectl(['get', 'namespace', newTenant])).code).toBe(0);
      // "kubectl apply never deletes": the app's objects are still there...
      expect((await cluster.kubectl(['get', 'deployment', 'helloworld', '-n', 'dwayne'])).code).toBe(0);

      // ...`npm run plan` (before the synth) lists each removed object with its delete command...
      const plan = planChanges(readTree(DIST), readTree(changedDist));
      const removals = plan.changes.filter((c) => c.change === 'remove');
      const vanilla = removals.filter((c) => !c.unit.startsWith(CRD_FOLDER_PREFIX));
      expect(vanilla.length).toBeGreaterThan(0);
      // ...and docs/deploying.md finds them by the files that are gone: `git show HEAD~1:<file> | kubectl delete -f -`.
      expect(DEPLOYING_MD).toContain('| kubectl delete -f -');
      const removedFiles = filesKubectlReads(DIST).filter((f) => !fs.existsSync(path.join(changedDist, f)));
      expect(removedFiles).toEqual(['40-app-helloworld.10-helloworld.yaml']);
      // Both must name the same objects, or following the docs would leave some of the plan's removals behind.
      const inRemovedFiles = removedFiles.flatMap((f) => manifestsOf(path.join(DIST, f))).map((m) => deleteCommand({
        kind: m.kind, group: String(m.apiVersion).includes('/') ? String(m.apiVersion).split('/')[0] : '', namespace: m.metadata.namespace, name: m.metadata.name,
      }));
      expect(inRemovedFiles.sort()).toEqual(vanilla.map((c) => c.details[0]).sort());
      for (const f of removedFiles) {
        const deleted = await cluster.kubectl(['delete', '-f', '-'], fs.readFileSync(path.join(DIST, f), 'utf8'));
        expect({ file: f, exitCode: deleted.code, stderr: deleted.stderr }).toEqual({ file: f, exitCode: 0, stderr: '' });
      }
      // Every object the plan lists as removed is gone: `kubectl get` with the plan's own resource and name.
      const stillThere: string[] = [];
      for (const c of vanilla) {
        const got = await cluster.kubectl(c.details[0].split(' ').slice(1).map((a) => (a === 'delete' ? 'get' : a)));
        if (!(got.code !== 0 && /NotFound|not found/.test(got.stderr))) stillThere.push(`${c.object}: ${(got.stdout + got.stderr).trim()}`);
      }
      expect(stillThere).toEqual([]);
      // A needs-* removal is Argo CD's to prune. The plan's command names it right: the API server accepts the
      // deletion. (`--wait=false`: a child Application carries Argo CD's resources finalizer, which only a running
      // Argo CD, absent here, clears after deleting the unit's objects.)
      for (const c of removals.filter((x) => x.unit.startsWith(CRD_FOLDER_PREFIX))) {
        const [, ...args] = c.details[0].split(' ');
        const deleted = await cluster.kubectl([...args, '--wait=false']);
        expect({ command: c.details[0], exitCode: deleted.code, stderr: deleted.stderr }).toEqual({ command: c.details[0], exitCode: 0, stderr: '' });
        const gone = await cluster.kubectl(['get', ...args.slice(1), '-o', 'jsonpath={.metadata.deletionTimestamp}']);
        expect({ command: c.details[0], deletionRequested: gone.code !== 0 || gone.stdout !== '' }).toEqual({ command: c.details[0], deletionRequested: true });
      }
      const again = await onDist(cluster, changedDist, ['kubectl', 'diff', '-f', 'dist']);
      expect({ exitCode: again.code, diff: again.stdout }).toEqual({ exitCode: 0, diff: '' });
      summary['changed config'] = [
        `tenant ${newTenant} added by \`${APPLY.join(' ')}\`; app helloworld kept by it (kubectl never prunes)`,
        `${vanilla.length} objects the plan lists as removed = the objects of the removed file ${removedFiles.join(', ')}; \`kubectl delete -f -\` of it removed them all`,
        `${removals.length - vanilla.length} removed from needs-* folders, deleted with the plan's commands; \`kubectl diff -f dist\` of the new tree empty`,
      ];
    });

    test('RBAC (can-i): the tenant admin manages its namespace but not its limits, its Namespace or another namespace; the viewer reads only', async () => {
      const rows: Array<[typeof admin, string, string, string, boolean, string?]> = [
        [admin, 'create', 'deployments', newTenant, true],
        [admin, 'create', 'rolebindings', newTenant, true],
        [admin, 'create', 'roles', newTenant, true],
        [admin, 'get', 'secrets', newTenant, true],
        [admin, 'update', 'resourcequotas', newTenant, false],
        [admin, 'delete', 'limitranges', newTenant, false],
        [admin, 'create', 'networkpolicies', newTenant, false],
        [admin, 'patch', `namespaces/${newTenant}`, newTenant, false],
        [admin, 'update', `namespaces/${newTenant}`, newTenant, false],
        [admin, 'escalate', 'roles', newTenant, false],
        [admin, 'bind', 'clusterroles', newTenant, false],
        [admin, 'impersonate', 'users', newTenant, false],
        [admin, 'create', 'deployments', 'dwayne', false],
        [admin, 'get', 'secrets', 'mysql', false],
        [viewer, 'list', 'pods', newTenant, true],
        [viewer, 'get', 'secrets', newTenant, false],
        [viewer, 'create', 'pods', newTenant, false, 'exec'],
        [viewer, 'create', 'deployments', newTenant, false],
      ];
      const results = [];
      for (const [who, verb, resource, ns, _expected, sub] of rows) {
        results.push(`${who.user} ${verb} ${resource}${sub ? `/${sub}` : ''} in ${ns}: ${await canI(cluster, who, verb, resource, ns, sub) ? 'yes' : 'no'}`);
      }
      expect(results).toEqual(rows.map(([who, verb, resource, ns, expected, sub]) => `${who.user} ${verb} ${resource}${sub ? `/${sub}` : ''} in ${ns}: ${expected ? 'yes' : 'no'}`));
      summary.RBAC = [`can-i: ${rows.length} checks as expected`];
    });

    test('RBAC (real attempts as the impersonated tenant admin): every escalation is refused by the API server', async () => {
      const as = [`--as=${admin.user}`, ...admin.groups.map((g) => `--as-group=${g}`)];
      const role = (name: string, rules: any[]) => JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: newTenant }, rules });
      const binding = (name: string, kind: string, ref: string) => JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: newTenant },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: ref }, subjects: [{ kind: 'User', name: admin.user, apiGroup: 'rbac.authorization.k8s.io' }],
      });
      const attempts: Array<[string, string[], string | undefined]> = [
        ['a Role with patch on its own Namespace', ['create', '-f', '-'], role('own-namespace', [{ apiGroups: [''], resources: ['namespaces'], resourceNames: [newTenant], verbs: ['patch'] }])],
        ['a Role that may edit its ResourceQuota', ['create', '-f', '-'], role('lift-quota', [{ apiGroups: [''], resources: ['resourcequotas'], verbs: ['update', 'patch'] }])],
        ['a Role with escalate and bind', ['create', '-f', '-'], role('escalate', [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate', 'bind'] }])],
        ['a RoleBinding to ClusterRole admin', ['create', '-f', '-'], binding('take-admin', 'ClusterRole', 'admin')],
        ['a RoleBinding to ClusterRole cluster-admin', ['create', '-f', '-'], binding('take-cluster-admin', 'ClusterRole', 'cluster-admin')],
        ['patching its Namespace to Pod Security privileged', ['patch', 'namespace', newTenant, '--type=merge', '-p', '{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged"}}}'], undefined],
        ['labelling its Namespace privileged', ['label', 'namespace', newTenant, 'pod-security.kubernetes.io/enforce=privileged', '--overwrite'], undefined],
        ['patching its ResourceQuota', ['patch', 'resourcequota', 'tenant-quota', '-n', newTenant, '--type=merge', '-p', '{"spec":{"hard":{"pods":"1000"}}}'], undefined],
        ['deleting its default-deny NetworkPolicy', ['delete', 'networkpolicy', '--all', '-n', newTenant], undefined],
        ['creating a Deployment in another namespace', ['create', 'deployment', 'x', '--image=busybox:1.36', '-n', 'dwayne'], undefined],
      ];
      const outcomes: string[] = [];
      for (const [what, args, input] of attempts) {
        const r = await cluster.kubectl([...args, ...as], input);
        outcomes.push(`${what}: ${r.code !== 0 && /forbidden|Forbidden/.test(r.stderr) ? 'refused' : `NOT refused (exit ${r.code}: ${(r.stdout + r.stderr).trim()})`}`);
      }
      expect(outcomes).toEqual(attempts.map(([what]) => `${what}: refused`));
      // The refusals are the escalation check, not a blanket no: a Role within its own rights, bound to a user, works.
      const ok = await cluster.kubectl(['create', '-f', '-', ...as], role('pod-reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]));
      expect({ exitCode: ok.code, stderr: ok.stderr }).toEqual({ exitCode: 0, stderr: '' });
      const okBinding = await cluster.kubectl(['create', '-f', '-', ...as], binding('pod-reader', 'Role', 'pod-reader'));
      expect({ exitCode: okBinding.code, stderr: okBinding.stderr }).toEqual({ exitCode: 0, stderr: '' });
      summary.RBAC.push(...outcomes, 'a Role within the admin\'s own rights, and its binding: created');
    });

    test('what RBAC cannot say: a Service with externalIPs is refused by the admission policy (CVE-2020-8554)', async () => {
      const as = [`--as=${admin.user}`, ...admin.groups.map((g) => `--as-group=${g}`)];
      const service = (externalIPs?: string[]) => JSON.stringify({
        apiVersion: 'v1', kind: 'Service', metadata: { name: 'grab', namespace: newTenant },
        spec: { selector: { app: 'x' }, ports: [{ port: 80 }], ...(externalIPs ? { externalIPs } : {}) },
      });
      // The API server compiles a new policy within a moment of its creation; until then it does not apply.
      let refused = await cluster.kubectl(['create', '--dry-run=server', '-f', '-', ...as], service(['203.0.113.10']));
      for (let i = 0; i < 20 && refused.code === 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        refused = await cluster.kubectl(['create', '--dry-run=server', '-f', '-', ...as], service(['203.0.113.10']));
      }
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/platform-kit-deny-service-external-ips.*denied request: Service spec\.externalIPs is not allowed .*CVE-2020-8554/);
      // The tenant admin may still create Services (the refusal is the field, not the kind).
      const allowed = await cluster.kubectl(['create', '--dry-run=server', '-f', '-', ...as], service());
      expect({ exitCode: allowed.code, stderr: allowed.stderr }).toEqual({ exitCode: 0, stderr: '' });
      summary.RBAC.push(`Service with externalIPs refused by admission (cluster.version ${cluster.version}); a plain Service allowed`);
    });

    test('RBAC (real attempts as the impersonated viewer): no Secret read, no exec', async () => {
      const as = [`--as=${viewer.user}`, ...viewer.groups.map((g) => `--as-group=${g}`)];
      // A pod to aim at, created by the tenant admin (restricted-compliant, so Pod Security admits it).
      const pod = {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', namespace: newTenant },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          // No resources: the tenant's LimitRange fills in its defaults, which the ResourceQuota then counts.
          containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } }],
        },
      };
      const created = await cluster.kubectl(['create', '-f', '-', `--as=${admin.user}`, ...admin.groups.map((g) => `--as-group=${g}`)], JSON.stringify(pod));
      expect({ exitCode: created.code, stderr: created.stderr }).toEqual({ exitCode: 0, stderr: '' });
      const secrets = await cluster.kubectl(['get', 'secrets', '-n', newTenant, ...as]);
      expect(secrets.stderr).toMatch(/forbidden: User "victor" cannot list resource "secrets"/);
      // Authorization runs before the API server would contact a kubelet, so this never leaves 127.0.0.1.
      const exec = await cluster.kubectl(['exec', '-n', newTenant, 'target', ...as, '--', 'true']);
      expect(exec.stderr).toMatch(/forbidden: User "victor" cannot create resource "pods\/exec"/);
      summary.RBAC.push('viewer: list Secrets refused, exec refused');
    });
  });
});
