import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { mergeFirstTimeSecrets, secretTypeConflicts } from '../../lib/secrets/first-time-secrets';
import { runSecrets } from '../../lib/secrets/secrets-command';
import { ROOT, synthFailure, tempDir } from '../support/helpers';
import { stringify } from 'yaml';

const tls = (name: string, configKey: string) => ({ namespace: 'team', name, type: 'tls' as const, keys: [{ key: 'tls.crt', description: 'cert', value: 'provided' as const }, { key: 'tls.key', description: 'key', value: 'provided' as const }], readBy: `the entry point of ${configKey}`, configKey });
const generic = (name: string, key: string, readBy: string, configKey: string) => ({ namespace: 'team', name, keys: [{ key, description: key, value: 'provided' as const }], readBy, configKey });

/** The default platform with helloworld's TLS Secret named like the Secret its secretEnv reads. */
function tlsOnEnvSecret(): { data: any; envSecret: string } {
  const data = parse(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8'));
  const app = data.apps[0];
  const envSecret = Object.values(app.secretEnv as Record<string, { secretName: string }>)[0].secretName;
  app.ingress.tlsSecretName = envSecret;
  return { data, envSecret };
}

describe('first-time Secrets: one entry per Secret', () => {
  test('two readers of one generic Secret become one entry with every key once', () => {
    const merged = mergeFirstTimeSecrets([generic('db', 'user', 'app a', 'apps[0].secretEnv'), generic('db', 'password', 'app b', 'apps[1].secretEnv'), generic('db', 'user', 'app b', 'apps[1].secretEnv')]);
    expect(merged).toEqual([{ namespace: 'team', name: 'db', keys: [{ key: 'user', description: 'user', value: 'provided' }, { key: 'password', description: 'password', value: 'provided' }], readBy: 'app a, app b', configKey: 'apps[0].secretEnv, apps[1].secretEnv' }]);
  });

  test('two hosts on one certificate become one TLS entry; other namespaces stay apart', () => {
    const merged = mergeFirstTimeSecrets([tls('wild', 'apps[0].ingress.tlsSecretName'), tls('wild', 'apps[1].ingress.tlsSecretName'), { ...tls('wild', 'x'), namespace: 'other' }]);
    expect(merged.map((s) => [s.namespace, s.name, s.keys.length])).toEqual([['team', 'wild', 2], ['other', 'wild', 2]]);
  });

  test('one name as a TLS and a generic Secret is a conflict naming both keys; same-type sharing is not', () => {
    expect(secretTypeConflicts([tls('db', 'apps[0].ingress.tlsSecretName'), generic('db', 'password', 'app web', 'apps[0].secretEnv')])).toEqual([
      'apps[0].secretEnv: Secret team/db is already apps[0].ingress.tlsSecretName\'s, as a kubernetes.io/tls Secret, and app web needs it as a generic (Opaque) one; one Secret cannot be both — give one of them another name.',
    ]);
    expect(secretTypeConflicts(mergeFirstTimeSecrets([tls('wild', 'a'), tls('wild', 'b')]))).toEqual([]);
  });

  test('npm run secrets -- --kubectl refuses it too, instead of printing two commands for one name', () => {
    const { data } = tlsOnEnvSecret();
    const file = path.join(tempDir(), 'platform.yaml');
    fs.writeFileSync(file, stringify(data));
    const out: string[] = [];
    const err: string[] = [];
    expect(runSecrets(['--kubectl', '--config', file], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/^error: the config asks for a Secret that cannot be created\n  - apps\[0\]\.secretEnv: Secret dwayne\/.* is already apps\[0\]\.ingress\.tlsSecretName's/);
  });

  test('synth refuses an app whose TLS Secret is also its secretEnv Secret (kubectl create secret would fail the second time)', () => {
    const { data, envSecret } = tlsOnEnvSecret();
    expect(synthFailure(data)).toMatch(new RegExp(`apps\\[0\\]\\.secretEnv: Secret dwayne/${envSecret} is already apps\\[0\\]\\.ingress\\.tlsSecretName's, as a kubernetes\\.io/tls Secret`));
  });
});
