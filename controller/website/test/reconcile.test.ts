import { ApiError } from '../src/client';
import { READY, Reason } from '../src/contract';
import { deploymentReadiness, reconcile, type ReconcileContext } from '../src/reconcile';
import type { Condition } from '../src/website';
import { config, FakeClient, website } from './fixtures';

const T0 = new Date('2026-12-01T12:00:00Z');
const T1 = new Date('2026-12-01T12:05:00Z');

function context(client: FakeClient, now: Date = T0, overrides: NodeJS.ProcessEnv = {}): ReconcileContext {
  return { client, config: config(overrides), now: () => now };
}

function readyOf(client: FakeClient, key = 'demo/xxhf'): Condition | undefined {
  return client.websites.get(key)?.status?.conditions?.find((c) => c.type === READY);
}

describe('reconcile', () => {
  test('a new Website gets its Deployment and Service and Ready False Progressing', async () => {
    // GIVEN a Website and no objects yet
    const client = new FakeClient();
    client.put(website());
    // WHEN it is reconciled
    const result = await reconcile(context(client), 'demo', 'xxhf');
    // THEN both objects are applied and the status says it is progressing
    expect(result).toEqual({ result: 'success', ready: false, statusPatched: true });
    expect(client.applied.map((a) => a.kind)).toEqual(['Deployment', 'Service']);
    expect(client.deployments.has('demo/xxhf-website')).toBe(true);
    expect(client.services.has('demo/xxhf-website')).toBe(true);
    expect(readyOf(client)).toEqual({ type: 'Ready', status: 'False', reason: 'Progressing', observedGeneration: 1, lastTransitionTime: '2026-12-01T12:00:00Z', message: expect.stringMatching(/not yet observed|0\/1 pods ready/) });
    expect(client.websites.get('demo/xxhf')?.status?.observedGeneration).toBe(1);
  });

  test('Ready turns True with reason Available once the Deployment has spec.replicas ready pods of its generation', async () => {
    // GIVEN a reconciled Website whose Deployment then reports 2 ready pods of 2
    const client = new FakeClient();
    client.put(website({ spec: { replicas: 2 } }));
    await reconcile(context(client), 'demo', 'xxhf');
    client.setDeploymentStatus('demo/xxhf-website', 2);
    // WHEN reconciled again later
    const result = await reconcile(context(client, T1), 'demo', 'xxhf');
    // THEN Ready is True, with the new transition time and readyReplicas
    expect(result).toEqual({ result: 'success', ready: true, statusPatched: true });
    expect(readyOf(client)).toMatchObject({ status: 'True', reason: Reason.Available, message: '2/2 pods ready', lastTransitionTime: '2026-12-01T12:05:00Z' });
    expect(client.websites.get('demo/xxhf')?.status?.readyReplicas).toBe(2);
  });

  test('a second reconcile with nothing changed applies the same objects and sends no status patch', async () => {
    // GIVEN a Website reconciled once and Ready
    const client = new FakeClient();
    client.put(website());
    await reconcile(context(client), 'demo', 'xxhf');
    client.setDeploymentStatus('demo/xxhf-website', 1);
    await reconcile(context(client, T1), 'demo', 'xxhf');
    const patches = client.statusPatches.length;
    const applied = client.applied.slice(-2);
    // WHEN reconciled again with nothing changed
    const result = await reconcile(context(client, new Date('2026-12-01T13:00:00Z')), 'demo', 'xxhf');
    // THEN the same objects are applied, the Deployment keeps its generation, and no status patch is sent
    expect(result).toEqual({ result: 'success', ready: true, statusPatched: false });
    expect(client.statusPatches).toHaveLength(patches);
    expect(client.applied.slice(-2)).toEqual(applied);
    expect(client.deployments.get('demo/xxhf-website')?.metadata?.generation).toBe(1);
  });

  test('lastTransitionTime changes only when the status changes', async () => {
    // GIVEN a Website that is Progressing since T0
    const client = new FakeClient();
    client.put(website({ spec: { replicas: 2 } }));
    await reconcile(context(client), 'demo', 'xxhf');
    client.setDeploymentStatus('demo/xxhf-website', 1);
    // WHEN it is still not ready at T1, with another message
    await reconcile(context(client, T1), 'demo', 'xxhf');
    // THEN the message moved on but the transition time did not
    expect(readyOf(client)).toMatchObject({ status: 'False', message: '1/2 pods ready', lastTransitionTime: '2026-12-01T12:00:00Z' });
  });

  test('a spec change is applied and the new generation is observed', async () => {
    // GIVEN a Ready Website
    const client = new FakeClient();
    client.put(website());
    await reconcile(context(client), 'demo', 'xxhf');
    client.setDeploymentStatus('demo/xxhf-website', 1);
    await reconcile(context(client), 'demo', 'xxhf');
    // WHEN its gitRepo changes (generation 2)
    const current = client.websites.get('demo/xxhf')!;
    client.put({ ...current, metadata: { ...current.metadata, generation: 2 }, spec: { ...current.spec, gitRepo: 'https://github.com/example/other.git' } });
    await reconcile(context(client, T1), 'demo', 'xxhf');
    // THEN the Deployment has the new repo, it is Progressing (new Deployment generation not yet observed) and observedGeneration is 2
    const args = client.deployments.get('demo/xxhf-website')!.spec!.template.spec!.containers.find((c) => c.name === 'git-sync')!.args;
    expect(args).toContain('--repo=https://github.com/example/other.git');
    expect(readyOf(client)).toMatchObject({ status: 'False', reason: 'Progressing', observedGeneration: 2 });
    expect(client.websites.get('demo/xxhf')?.status?.observedGeneration).toBe(2);
  });

  test('a Website outside WEBSITE_NAMESPACES gets Ready False NamespaceNotManaged and nothing is created', async () => {
    // GIVEN a Website in a namespace the controller does not manage
    const client = new FakeClient();
    client.put(website({ namespace: 'elsewhere' }));
    // WHEN reconciled, twice
    const first = await reconcile(context(client), 'elsewhere', 'xxhf');
    const second = await reconcile(context(client, T1), 'elsewhere', 'xxhf');
    // THEN nothing is applied, the status names the reason once, and the second pass changes nothing
    expect(first).toEqual({ result: 'skipped', reason: 'NamespaceNotManaged', statusPatched: true });
    expect(second).toEqual({ result: 'skipped', reason: 'NamespaceNotManaged', statusPatched: false });
    expect(client.applied).toEqual([]);
    expect(readyOf(client, 'elsewhere/xxhf')).toMatchObject({ status: 'False', reason: 'NamespaceNotManaged', message: expect.stringContaining('WEBSITE_NAMESPACES: demo, shop') });
  });

  test('an apply error gives Ready False ApplyFailed with the API server\'s message, and an error result to retry', async () => {
    // GIVEN an API server that refuses the Deployment
    const client = new FakeClient();
    client.put(website());
    client.applyError = new ApiError('deployments.apps "xxhf-website" is forbidden: User cannot patch resource', 403);
    // WHEN reconciled
    const result = await reconcile(context(client), 'demo', 'xxhf');
    // THEN the caller is told to retry and the status explains it
    expect(result).toMatchObject({ result: 'error', error: client.applyError });
    expect(readyOf(client)).toMatchObject({ status: 'False', reason: Reason.ApplyFailed, message: expect.stringContaining('is forbidden: User cannot patch resource (HTTP 403)') });
  });

  test('an apply error is still reported for retry when writing the status fails too', async () => {
    const client = new FakeClient();
    client.put(website());
    client.applyError = new Error('connection refused');
    client.statusError = new Error('connection refused');
    await expect(reconcile(context(client), 'demo', 'xxhf')).resolves.toMatchObject({ result: 'error', error: client.applyError });
  });

  test('a failing status write after a good apply throws, so the caller retries', async () => {
    const client = new FakeClient();
    client.put(website());
    client.statusError = new ApiError('the object has been modified', 409);
    await expect(reconcile(context(client), 'demo', 'xxhf')).rejects.toThrow(/has been modified/);
  });

  test('a Website that is gone, or being deleted, is left to the garbage collector', async () => {
    const client = new FakeClient();
    client.put(website({ name: 'leaving', deletionTimestamp: '2026-12-01T11:00:00Z' }));
    await expect(reconcile(context(client), 'demo', 'missing')).resolves.toEqual({ result: 'gone' });
    await expect(reconcile(context(client), 'demo', 'leaving')).resolves.toEqual({ result: 'gone' });
    expect(client.applied).toEqual([]);
    expect(client.statusPatches).toEqual([]);
  });

  test('other conditions on the Website are kept', async () => {
    const client = new FakeClient();
    const other: Condition = { type: 'Synced', status: 'True', reason: 'Manual', message: 'set by a person', lastTransitionTime: '2026-01-01T00:00:00Z' };
    client.put(website({ status: { conditions: [other] } }));
    await reconcile(context(client), 'demo', 'xxhf');
    expect(client.websites.get('demo/xxhf')?.status?.conditions?.map((c) => c.type)).toEqual(['Synced', 'Ready']);
    expect(client.websites.get('demo/xxhf')?.status?.conditions?.[0]).toEqual(other);
  });
});

describe('deploymentReadiness', () => {
  const deployment = (generation: number, observed: number, ready: number) => ({ metadata: { name: 'x-website', generation }, status: { observedGeneration: observed, readyReplicas: ready } });

  test('ready needs the current generation observed and enough ready pods', () => {
    expect(deploymentReadiness(deployment(2, 2, 2), 2)).toEqual({ ready: true, readyReplicas: 2, message: '2/2 pods ready' });
    expect(deploymentReadiness(deployment(2, 2, 3), 2).ready).toBe(true);
    expect(deploymentReadiness(deployment(2, 2, 1), 2)).toEqual({ ready: false, readyReplicas: 1, message: '1/2 pods ready' });
    expect(deploymentReadiness(deployment(3, 2, 2), 2)).toMatchObject({ ready: false, message: expect.stringContaining('generation 3 is not yet observed') });
  });

  test('a Deployment with no status yet is not ready', () => {
    expect(deploymentReadiness({ metadata: { name: 'x', generation: 1 } }, 1)).toMatchObject({ ready: false, readyReplicas: 0 });
  });
});
