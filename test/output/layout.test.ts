import { parse } from 'yaml';
import { layoutFiles } from '../../lib/output/layout';
import { SynthesizedObject } from '../../lib/output/synthesized';

/** Strings that a YAML 1.1 reader (kubectl's go-yaml, PyYAML) or a 1.2 reader would take for something else. */
const AMBIGUOUS = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'N', 'Yes', 'NO', 'On', 'OFF', 'true', 'False', 'null', 'Null', '~', '',
  '0x1F', '1_000', '0o17', '012', '0b101', '1e3', '1.5', '.5', '+12', '.inf', '-.Inf', '.nan', '1:20', '2001-12-14', '=',
];

function oneFile(data: Record<string, string>): string {
  const object = { chart: { folder: 'platform/10-x', description: 'x' }, component: 'X', path: 'X/Resource', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'x' }, data } };
  return layoutFiles([object as unknown as SynthesizedObject])[0].content;
}

describe('render: strings stay strings for every YAML reader', () => {
  test.each(AMBIGUOUS)('%j is quoted', (value) => {
    // GIVEN a ConfigMap value (and key) that looks like a boolean, number or null WHEN rendered
    const text = oneFile({ [value || 'empty']: value, plain: 'hello' });
    const doc = text.split('\n---\n')[1];
    // THEN a YAML 1.1 reader and a YAML 1.2 reader both read back the string
    for (const version of ['1.1', '1.2'] as const) {
      const data = parse(doc, { version }).data;
      expect(data[value || 'empty']).toBe(value);
      expect(data.plain).toBe('hello');
    }
  });

  test('ordinary strings stay unquoted (the diff stays quiet)', () => {
    expect(oneFile({ GREETING: 'hello from Platform Kit', DB_HOST: 'mysql-primary.mysql.svc.cluster.local' })).toMatch(/\n {2}GREETING: hello from Platform Kit\n {2}DB_HOST: mysql-primary\.mysql\.svc\.cluster\.local\n/);
  });
});
