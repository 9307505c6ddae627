import { imageRef, OBSERVABILITY_IMAGES } from '../../../lib/observability/config-files/versions';

describe('image pins', () => {
  const expected: Record<string, [string, RegExp]> = {
    loki: ['grafana/loki', /^3\.7\.\d+$/],
    alloy: ['grafana/alloy', /^v1\.\d+\.\d+$/],
    prometheus: ['prom/prometheus', /^v3\.13\.\d+$/],
    alertmanager: ['prom/alertmanager', /^v0\.35\.\d+$/],
    nodeExporter: ['prom/node-exporter', /^v1\.12\.\d+$/],
    kubeStateMetrics: ['registry.k8s.io/kube-state-metrics/kube-state-metrics', /^v2\.20\.\d+$/],
    grafana: ['grafana/grafana', /^13\.\d+\.\d+$/],
    mysqldExporter: ['prom/mysqld-exporter', /^v0\.20\.\d+$/],
  };

  it('pins every component to an exact tag in the requested release line', () => {
    expect(Object.keys(OBSERVABILITY_IMAGES).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, [repository, tag]] of Object.entries(expected)) {
      expect(OBSERVABILITY_IMAGES[name].repository).toBe(repository);
      expect(OBSERVABILITY_IMAGES[name].tag).toMatch(tag);
    }
  });

  it('renders repository:tag references', () => {
    expect(imageRef(OBSERVABILITY_IMAGES.loki)).toBe(`grafana/loki:${OBSERVABILITY_IMAGES.loki.tag}`);
    for (const pin of Object.values(OBSERVABILITY_IMAGES)) {
      expect(imageRef(pin)).not.toMatch(/:latest$/);
    }
  });
});
