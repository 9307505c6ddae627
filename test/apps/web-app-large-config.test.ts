import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { WebApp } from '../../lib/apps/web-app';
import { find, testChart } from '../support/helpers';

describe('WebApp with thousands of config keys', () => {
  test('the ConfigMap avoids KubeConfigMap\'s serializer, which copies the data once per key (quadratic)', () => {
    // GIVEN an app with config WHEN built
    const chart = testChart();
    new WebApp(chart, 'W', { name: 'web', namespace: 'team', image: { repository: 'nginx', tag: '1.27' }, config: { A: '1' } });
    const configMap = chart.node.findAll().find((c) => c instanceof ApiObject && c.kind === 'ConfigMap' && c.name === 'web-config');
    // THEN it is a plain ApiObject (the linear path), not the generated L1 class
    // (instanceof cannot tell: cdk8s answers it for any ApiObject, so the class itself is compared)
    expect(Object.getPrototypeOf(configMap).constructor).toBe(ApiObject);
    expect(Object.getPrototypeOf(configMap).constructor).not.toBe(k8s.KubeConfigMap);
  });

  // Not a timed assertion: with the quadratic serializer 8,000 keys took 38 s, far past this test's 30 s limit; the
  // linear path takes well under a second, so the limit is never near on a loaded machine. `npm run bench` has the figure.
  test('8,000 keys synthesize, every one in the ConfigMap', () => {
    const config = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`KEY_${i}`, `value ${i}`]));
    const chart = testChart();
    new WebApp(chart, 'W', { name: 'web', namespace: 'team', image: { repository: 'nginx', tag: '1.27' }, config });
    const data = find(chart.toJson(), 'ConfigMap', 'web-config', 'team').data;
    expect(Object.keys(data)).toHaveLength(8000);
    expect(data.KEY_7999).toBe('value 7999');
  }, 30_000);
});
