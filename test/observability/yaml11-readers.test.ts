import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { find, ROOT, synthData } from '../support/helpers';

/** How Prometheus, Loki, Alertmanager (Go's yaml.v2) and the kubelet (sigs.k8s.io/yaml) read a file: YAML 1.1. */
const readAs11 = (text: string) => parse(text, { version: '1.1' });

describe('config files embedded in dist/ mean to a YAML 1.1 reader what the config said', () => {
  // GIVEN a tenant named "on" and a cluster named "no": plain, both are booleans in YAML 1.1
  const data = parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  data.tenants.push({ name: 'on' });
  data.cluster.name = 'no';
  const objects = synthData(data);

  test('prometheus.yml: the tenant "on" stays a namespace name and the cluster label stays "no"', () => {
    const text: string = find(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml'];
    const config = readAs11(text);
    const namespaces = config.scrape_configs.flatMap((j: any) => (j.kubernetes_sd_configs ?? []).flatMap((sd: any) => sd.namespaces?.names ?? []));
    expect(namespaces).toContain('on');
    expect(namespaces.filter((n: unknown) => typeof n !== 'string')).toEqual([]);
    expect(config.global.external_labels.cluster).toBe('no');
  });

  test('Loki\'s schema date is a string to a YAML 1.1 reader, not a timestamp', () => {
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === 'logging' && Object.keys(o.data ?? {}).some((k) => k.endsWith('.yaml')));
    const file = Object.entries(configMap.data).find(([k]) => k.endsWith('.yaml'))![1] as string;
    expect(readAs11(file).schema_config.configs.map((c: any) => typeof c.from)).toEqual(['string']);
  });
});
