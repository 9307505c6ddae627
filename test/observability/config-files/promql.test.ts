import { analysePromql, interpolateGrafana, metricNames } from './promql';

describe('PromQL test helpers', () => {
  it('report error nodes for broken expressions', () => {
    expect(analysePromql('rate(foo[5m]').errors.length).toBeGreaterThan(0);
    expect(analysePromql('sum by (x (foo)').errors.length).toBeGreaterThan(0);
    expect(analysePromql('foo{bar="baz"} >').errors.length).toBeGreaterThan(0);
    expect(analysePromql('rate(foo[$__rate_interval])').errors.length).toBeGreaterThan(0);
  });

  it('interpolate Grafana variables the way Grafana does before querying', () => {
    const expr = interpolateGrafana('rate(foo{node=~"$node",ns="${namespace}"}[$__rate_interval])');
    expect(expr).toBe('rate(foo{node=~"x",ns="x"}[5m])');
    expect(analysePromql(expr).errors).toEqual([]);
  });

  it('extract metric names and matcher labels from the parse tree, not from strings', () => {
    const a = analysePromql('sum by (node) (rate(a_total{mode="idle",node=~"x"}[5m])) / on (node) b{job="not_a_metric"} or vector(0)');
    expect(a.errors).toEqual([]);
    expect(a.selectors).toEqual([
      { metric: 'a_total', labels: ['mode', 'node'] },
      { metric: 'b', labels: ['job'] },
    ]);
    expect(metricNames('x or y or x')).toEqual(['x', 'y']);
  });
});
