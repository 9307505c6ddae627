import { runSecrets } from '../../lib/secrets/secrets-command';
import { parseConfig } from '../../lib/config/load';
import { synthesize } from '../../lib/pipeline/synthesize';
import { manifestsOf, MINIMAL_CLUSTER, synthDefault, tempDir } from '../support/helpers';
import * as fs from 'fs';
import * as path from 'path';

/** Every Secret a manifest refers to by name: volumes, env, envFrom, Ingress TLS, projected sources, Gateway certificates. */
function referencedSecrets(manifests: readonly any[]): string[] {
  const found = new Set<string>();
  const walk = (node: any, namespace: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, namespace));
    if (node === null || typeof node !== 'object') return;
    if (typeof node.secretName === 'string') found.add(`${namespace}/${node.secretName}`);
    if (node.secretKeyRef?.name) found.add(`${namespace}/${node.secretKeyRef.name}`);
    if (node.secretRef?.name) found.add(`${namespace}/${node.secretRef.name}`);
    if (node.secret?.name) found.add(`${namespace}/${node.secret.name}`);
    // A Gateway listener's certificateRefs name Secrets of other namespaces (allowed by a ReferenceGrant).
    if (Array.isArray(node.certificateRefs)) for (const ref of node.certificateRefs) found.add(`${ref.namespace ?? namespace}/${ref.name}`);
    for (const v of Object.values(node)) walk(v, namespace);
  };
  for (const m of manifests) if (m.metadata?.namespace) walk(m.spec, m.metadata.namespace);
  return [...found].sort();
}

describe('first-time Secrets (npm run secrets)', () => {
  test('the list is exactly the Secrets dist/ refers to: it comes from the parts, so it cannot drift', () => {
    const result = synthDefault();
    const offered = result.offers.firstTimeSecrets.map((s) => `${s.namespace}/${s.name}`).sort();
    expect(offered).toEqual(referencedSecrets(manifestsOf(result)));
    // the TLS Secrets are referenced by the Gateway (CRD-dependent), so the walk covers dist/needs-* too
    expect(offered).toContain('monitoring/grafana-tls');
    expect(offered.length).toBeGreaterThanOrEqual(5);
  });

  test('a config without MySQL or TLS expects fewer Secrets, and the list follows', () => {
    const result = synthesize(parseConfig(`${MINIMAL_CLUSTER}mysql:\n  enabled: false\n`));
    expect(result.offers.firstTimeSecrets.map((s) => `${s.namespace}/${s.name}`).sort()).toEqual(referencedSecrets(manifestsOf(result)));
    expect(result.offers.firstTimeSecrets.some((s) => s.name === 'mysql-credentials')).toBe(false);
  });

  test('--kubectl prints commands whose random values come from openssl, never a literal secret, and writes nothing', () => {
    const dir = tempDir();
    const before = fs.readdirSync(dir);
    const out: string[] = [];
    const code = runSecrets(['--kubectl', '--config', path.join(__dirname, '..', '..', 'platform.yaml')], { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('kubectl -n mysql create secret generic mysql-credentials');
    expect(text).toMatch(/--from-literal=replication-password="\$\(openssl rand -base64 24\)"/);
    // every --from-literal of a password is generated, not written out
    for (const line of out.filter((l) => /--from-literal=.*password/.test(l))) expect(line).toMatch(/\$\(openssl rand -base64 \d+\)/);
    expect(text).toContain('kubectl -n monitoring create secret tls grafana-tls --cert=');
    expect(fs.readdirSync(dir)).toEqual(before);
  });

  test('the list names keys, readers, the platform.yaml key and constraints (MySQL replication password ≤ 32)', () => {
    const out: string[] = [];
    expect(runSecrets(['--config', path.join(__dirname, '..', '..', 'platform.yaml')], { out: (l) => out.push(l), err: () => {} })).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/mysql\/mysql-credentials \(generic\) — read by .*; named by mysql\.credentialsSecret/);
    expect(text).toMatch(/replication-password: .*at most 32 characters/);
    expect(text).toMatch(/dwayne\/helloworld-tls \(kubernetes\.io\/tls\) — .* named by apps\[0\]\.ingress\.tlsSecretName/);
  });

  test('a bad flag is a usage error, not a stack trace', () => {
    const err: string[] = [];
    expect(runSecrets(['--nope'], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err.join('\n')).toMatch(/"--nope" is not an option\nusage: npm run secrets/);
  });
});

describe('docs/deploying.md', () => {
  test('its table of first-time Secrets is the one the parts offer (run `npm run schema` to refresh it)', () => {
    const { withSecretsTable } = require('../../lib/secrets/first-time-secrets');
    const file = path.join(__dirname, '..', '..', 'docs', 'deploying.md');
    const text = fs.readFileSync(file, 'utf8');
    expect(withSecretsTable(text, synthDefault().offers.firstTimeSecrets)).toBe(text);
  });
});
