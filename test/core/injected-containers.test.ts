import { Testing } from 'cdk8s';
import { InjectedContainers } from '../../lib/core/injected-containers';

const DEFAULTS = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } };
const ANNOTATIONS = { requestsCpu: 'x/cpu', requestsMemory: 'x/memory', limitsCpu: 'x/cpu-limit', limitsMemory: 'x/memory-limit' };

function injection() {
  return new InjectedContainers(Testing.chart(), 'Sidecars', {
    namespace: 'demo', container: 'proxy', defaultResources: DEFAULTS, resourceAnnotations: ANNOTATIONS,
    optOutLabel: ['x/inject', 'false'], madeBy: 'the injector', configKey: 'mesh.proxy',
  });
}

const deployment = (namespace: string, template: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace }, spec: { replicas: 2, template } });
const app = { name: 'app', resources: { requests: { cpu: '50m' } } };

describe('InjectedContainers', () => {
  test('adds the container to a pod template of its namespace, sized by the pod\'s annotations, else by the default', () => {
    const i = injection();
    const sized = i.admit(deployment('demo', { metadata: { annotations: { 'x/cpu': '20m', 'x/memory-limit': '128Mi' } }, spec: { containers: [app] } }));
    expect(sized.spec.template.spec.containers).toEqual([app, { name: 'proxy', resources: { requests: { cpu: '20m', memory: '128Mi' }, limits: { cpu: '2', memory: '128Mi' } } }]);
    const plain = i.admit(deployment('demo', { spec: { containers: [app] } }));
    expect(plain.spec.template.spec.containers[1]).toEqual({ name: 'proxy', resources: DEFAULTS });
    expect(plain.spec.replicas).toBe(2);
  });

  test('leaves alone: other namespaces, opted-out pods, pods that have the container, and objects without pods; never mutates its input', () => {
    const i = injection();
    const elsewhere = deployment('other', { spec: { containers: [app] } });
    const optedOut = deployment('demo', { metadata: { labels: { 'x/inject': 'false' } }, spec: { containers: [app] } });
    const already = deployment('demo', { spec: { containers: [app, { name: 'proxy' }] } });
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'demo' }, spec: {} };
    for (const m of [elsewhere, optedOut, already, service]) expect(i.admit(m)).toBe(m);
    const input = deployment('demo', { spec: { containers: [app] } });
    const before = JSON.stringify(input);
    i.admit(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  test('finds the pod template of a CronJob and a bare Pod too', () => {
    const i = injection();
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'demo' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [app] } } } } } };
    expect(i.admit(cron).spec.jobTemplate.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['app', 'proxy']);
    expect(i.admit(cron).spec.schedule).toBe('@daily');
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'demo' }, spec: { containers: [app] } };
    expect(i.admit(pod)).toMatchObject({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [app, { name: 'proxy' }] } });
  });

  test('sizedBy: whether a pod sets any of the sizing annotations', () => {
    const i = injection();
    expect(i.sizedBy({ 'x/cpu-limit': '1' })).toBe(true);
    expect(i.sizedBy({ other: '1' })).toBe(false);
  });

  test('a namespace that is not a DNS label is refused with the value', () => {
    expect(() => new InjectedContainers(Testing.chart(), 'Bad', { namespace: 'Demo_1', container: 'p', defaultResources: DEFAULTS, madeBy: 'x', configKey: 'k' })).toThrow(/namespace "Demo_1" is not a DNS label/);
  });
});
