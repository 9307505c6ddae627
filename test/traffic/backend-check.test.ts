import { ApiObject } from 'cdk8s';
import { backendProblems } from '../../lib/traffic/backend-check';
import { ExposedHost } from '../../lib/network/entry-point';
import { testChart } from '../support/helpers';

/** A chart with a Service `web` selecting `selector` and Deployments with the given pod labels. */
function tree(selector: Record<string, string> | undefined, deployments: Record<string, Record<string, string>>) {
  const chart = testChart();
  new ApiObject(chart, 'Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'team-a' }, spec: { ...(selector ? { selector } : {}), ports: [{ port: 80 }] } });
  for (const [name, labels] of Object.entries(deployments)) {
    new ApiObject(chart, `Deployment-${name}`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'team-a' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {} } } });
  }
  return chart;
}

const host = (service = 'web'): ExposedHost => ({
  name: 'web', namespace: 'team-a', host: 'web.lab.example', tlsSecretName: 'web-tls', path: '/', paths: ['/'], labels: {},
  backends: [{ service, port: 80, weight: 100 }],
});

describe('backendProblems', () => {
  test('a Service that selects exactly one workload\'s pods is fine', () => {
    expect(backendProblems(tree({ app: 'web', track: 'stable' }, { web: { app: 'web', track: 'stable' }, 'web-canary': { app: 'web', track: 'canary' } }), [host()])).toEqual([]);
  });

  test('a Service that selects the pods of two workloads is refused, naming both', () => {
    expect(backendProblems(tree({ app: 'web' }, { web: { app: 'web', track: 'stable' }, 'web-canary': { app: 'web', track: 'canary' } }), [host()])).toEqual([
      'https://web.lab.example (team-a/web): backend Service web selects the pods of Deployment/web and Deployment/web-canary; each backend must select exactly one workload\'s pods (give each version its own instance label).',
    ]);
  });

  test('a Service that selects no pods, or has no selector, is refused', () => {
    expect(backendProblems(tree({ app: 'other' }, { web: { app: 'web' } }), [host()])).toEqual([expect.stringMatching(/backend Service web selects the pods of no workload/)]);
    expect(backendProblems(tree(undefined, { web: { app: 'web' } }), [host()])).toEqual([expect.stringMatching(/selects the pods of no workload/)]);
  });

  test('a backend Service that does not exist is refused', () => {
    expect(backendProblems(tree({ app: 'web' }, { web: { app: 'web' } }), [host('missing')])).toEqual([expect.stringMatching(/backend Service missing does not exist in namespace team-a/)]);
  });
});
