import { ApiObject, App, Chart } from 'cdk8s';
import { checkQuotaFit } from '../../lib/checks/workload-checks';
import { synthesizeObjects } from '../../lib/output/synthesized';
import { PlatformChart } from '../../lib/output/platform-chart';
import { TenantNamespace } from '../../lib/tenancy/tenant-namespace';
import { goodDeployment } from '../support/helpers';

/** A platform namespace whose quota is computed, with the objects `add` puts into it (plain ApiObjects: manifests as written). */
function render(add: (chart: Chart) => void, options: { nodeCount?: number; quota?: Record<string, unknown>; extraClaims?: { count: number; storage: string } } = {}) {
  const app = new App();
  const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
  new TenantNamespace(chart, 'Ns', { name: 'team-a', quotaFromWorkloads: { nodeCount: options.nodeCount ?? 3, extraClaims: options.extraClaims }, quota: options.quota });
  add(chart);
  const objects = synthesizeObjects(app);
  const hard = objects.find((o) => o.manifest.kind === 'ResourceQuota')!.manifest.spec.hard;
  return { objects, hard };
}

const statefulSet = (claim: string) => {
  const sts = goodDeployment({ name: 'db', replicas: 2, container: { resources: { requests: { cpu: '150m', memory: '300Mi' }, limits: { cpu: '1', memory: '1Gi' } } } });
  return { ...sts, kind: 'StatefulSet', spec: { ...sts.spec, serviceName: 'db', volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: claim } } } }] } };
};

describe('quota computed from the workloads in the namespace', () => {
  test('sums the pods, the surge pods of every rolling update and the claims, and the quota-fit check agrees', () => {
    // GIVEN a StatefulSet of 2 with a 10Gi claim each and two single-pod Deployments (each surges by 1)
    const { objects, hard } = render((chart) => {
      new ApiObject(chart, 'Db', statefulSet('10Gi'));
      new ApiObject(chart, 'Web', goodDeployment({ name: 'web' }));
      new ApiObject(chart, 'Api', goodDeployment({ name: 'api', labels: { app: 'api' } }));
    });
    // THEN 2 × 150m + 4 × 50m requests, 2 + 2 × 2 pods, 2 claims of 10Gi
    expect(hard).toEqual({
      'requests.cpu': '500m', 'requests.memory': '856Mi', 'limits.cpu': '2800m', 'limits.memory': '2560Mi',
      'pods': '6', 'persistentvolumeclaims': '2', 'requests.storage': '20Gi', 'services.nodeports': '0', 'services.loadbalancers': '0',
    });
    expect(checkQuotaFit(objects, 3)).toEqual([]);
  });

  test('follows a workload added after the namespace, so it cannot drift', () => {
    const before = render(() => undefined).hard;
    const after = render((chart) => { new ApiObject(chart, 'Web', goodDeployment({ name: 'web', replicas: 4 })); }).hard;
    expect(before).toMatchObject({ pods: '0', 'requests.cpu': '0', 'requests.storage': '0' });
    expect(after).toMatchObject({ pods: '5', 'requests.cpu': '250m' });
  });

  test('a later synthesis pass of the same app counts a workload added since', async () => {
    // GIVEN a namespace synthesized once, empty
    const app = new App();
    const chart = new PlatformChart(app, 'Test', { folder: 'platform/10-test', wave: 10, description: 'test' });
    new TenantNamespace(chart, 'Ns', { name: 'team-a', quotaFromWorkloads: { nodeCount: 3 } });
    const quotaOf = () => synthesizeObjects(app).find((o) => o.manifest.kind === 'ResourceQuota')!.manifest.spec.hard;
    expect(quotaOf()).toMatchObject({ pods: '0' });
    // WHEN the pass ends and a Deployment of 2 is added
    await Promise.resolve();
    new ApiObject(chart, 'Web', goodDeployment({ name: 'web', replicas: 2 }));
    // THEN the next synthesis counts it (2 pods + 1 surge)
    expect(quotaOf()).toMatchObject({ pods: '3' });
  });

  test('DaemonSets count once per node given; extra claims and explicit fields are added', () => {
    const { hard } = render((chart) => {
      const ds = goodDeployment({ name: 'agent' });
      new ApiObject(chart, 'Agent', { ...ds, kind: 'DaemonSet', spec: { selector: ds.spec.selector, template: ds.spec.template } });
    }, { nodeCount: 4, extraClaims: { count: 1, storage: '5Gi' }, quota: { nodePorts: 2 } });
    expect(hard).toMatchObject({ 'pods': '4', 'requests.cpu': '200m', 'persistentvolumeclaims': '1', 'requests.storage': '5Gi', 'services.nodeports': '2' });
  });
});
