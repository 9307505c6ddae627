import { renderYaml, renderYamlSlow } from '../../lib/output/yaml-render';
import { manifestsOf, synthDefault } from '../support/helpers';

/** Values where quoting, typing or layout could go wrong, each tried as a map value, a list item, nested and as a key. */
const TRICKY: unknown[] = [
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '', ' ', '0755', '0x1F', '0o17', '1e3', '1_000', '12:30',
  '.inf', '-.inf', '.nan', '+1', '-1', '1.5', '123', '-', '- a', '-a', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#a', ' lead', 'trail ',
  'a  b', 'tab\there', 'x"y', "x'y", "it's \"q\"", '@a', '`a', '%a', '!a', '&a', '*a', '|a', '>a', '[a', ']a', '{a', '}a', '?a', ':a', ',a',
  'a,b', 'a[0]', 'http://x:80/y?q=1&r=2', 'é', '日本', 'line1\nline2', 'trailing\n', 'keep\n\n', '  indented\nblock', 'a\r\nb', '<<',
  'image:1.2.3', 'grafana/grafana:11.0.0', 'Grafana queries Loki (port 3100)', 'x=y', 'a/b', '/var/log', '@', 'a@b',
  0, -1, 42, 1.5, 1e21, -0, Number.MAX_SAFE_INTEGER + 2, true, false, null, {}, [], [[1, 2]], [{}], { a: undefined }, { a: undefined, b: 1 },
  [null], [true, 'yes'], { '': 1 }, { 'a b': 1 }, { yes: 1 }, { '8080': 1 }, { '-x': 1 }, { 'x:y': 1 }, { 'app.kubernetes.io/name': 'x' },
];

describe('renderYaml, the fast manifest renderer', () => {
  test('gives exactly the bytes of the yaml library on every object of the default platform', () => {
    const manifests = manifestsOf(synthDefault());
    expect(manifests.length).toBeGreaterThan(100);
    const differing = manifests.filter((m) => renderYaml(m) !== renderYamlSlow(m)).map((m) => `${m.kind}/${m.metadata.name}`);
    expect(differing).toEqual([]);
  });

  test.each(TRICKY.map((v) => [JSON.stringify(v) ?? String(v), v]))('gives exactly the bytes of the yaml library for %s in every position', (_, value) => {
    const shapes = [
      { kind: 'X', value },
      { kind: 'X', list: [value, 'b'], nested: { deeper: { value } } },
      { kind: 'X', items: [{ name: 'a', value }, { value, name: 'b' }] },
      ...(typeof value === 'string' ? [{ kind: 'X', labels: { [value]: 'v' } }] : []),
    ];
    for (const shape of shapes) expect(renderYaml(shape)).toBe(renderYamlSlow(shape));
  });

  test('plain strings stay plain; the quoting of anything a reader could mistype is the yaml library\'s decision', () => {
    expect(renderYaml({ image: 'grafana/grafana:11.0.0', host: 'https://hello.lab.example' })).toBe('image: grafana/grafana:11.0.0\nhost: https://hello.lab.example\n');
    // `n` is a boolean to a YAML 1.1 reader (kubectl's go-yaml), so even as a key it is quoted.
    expect(renderYaml({ n: '0755', t: 'true' })).toBe('"n": "0755"\nt: "true"\n');
    expect(renderYaml({ v: 'yes' })).toBe(renderYamlSlow({ v: 'yes' }));
  });
});
