import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT, synthData, synthFailure } from '../support/helpers';

/** The default platform with helloworld's dependsOn and config replaced. */
function withReferences(dependsOn: string[], config: Record<string, string> = {}): any {
  const data = parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  data.apps[0].dependsOn = dependsOn;
  data.apps[0].config = { ...data.apps[0].config, ...config };
  return data;
}

describe('references to Services of namespaces Platform Kit writes in full', () => {
  test('a misspelled Service in a part\'s namespace is refused by key, with the Services that exist', () => {
    const message = synthFailure(withReferences(['mysql-primry.mysql.svc.cluster.local']));
    expect(message).toMatch(/apps\[0\]\.dependsOn\[0\]: "mysql-primry\.mysql\.svc\.cluster\.local" waits for Service "mysql-primry" in namespace "mysql", which has no such Service \(Platform Kit writes every Service there: "mysql", "mysql-primary", "mysql-read"\), so the app would wait forever; fix the name\./);
  });

  test('a config value naming one, with a port, is refused too', () => {
    expect(synthFailure(withReferences([], { LOKI_URL: 'http://loky.logging.svc.cluster.local:3100/loki/api/v1/push' })))
      .toMatch(/apps\[0\]\.config\.LOKI_URL: "loky\.logging\.svc\.cluster\.local" names Service "loky" in namespace "logging", which has no such Service .*"loki".* so the app would fail to connect; fix the name\./);
  });

  test('existing Services, a member\'s own name, and any name in a tenant namespace pass', () => {
    expect(() => synthData(withReferences(
      ['mysql-primary.mysql.svc.cluster.local', 'mysql-0.mysql.mysql.svc.cluster.local', 'anything.demo.svc.cluster.local'],
      { LOKI_URL: 'http://loki.logging.svc.cluster.local:3100' },
    ))).not.toThrow();
  });
});
