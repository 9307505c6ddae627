import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { KubernetesSchema } from '../../lib/checks/kubernetes-schema';
import { renderConfigSchema } from '../../lib/config/render-schema';
import { synthesize } from '../../lib/pipeline/synthesize';
import { defaultConfig, ROOT, synthDefault } from '../support/helpers';

const DIST = path.join(ROOT, 'dist');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)))
    .sort();
}

/** Kubernetes objects only: dist/host/ holds node-side files (audit policy, kubelet settings), parsed by test/host. */
function committedManifests(): Array<{ file: string; manifest: any }> {
  return filesUnder(DIST).filter((f) => f.endsWith('.yaml') && !f.startsWith(`host${path.sep}`)).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(DIST, file), 'utf8')).map((doc) => ({ file, manifest: doc.toJS() })).filter((d) => d.manifest !== null));
}

describe('the committed dist/ (what users apply and Argo CD syncs)', () => {
  test('equals a fresh synth of the default platform.yaml, byte for byte (run `npm run synth` and commit dist/)', () => {
    const fresh = synthDefault().files;
    expect(filesUnder(DIST)).toEqual(fresh.map((f) => f.path).sort());
    for (const file of fresh) {
      expect({ file: file.path, content: fs.readFileSync(path.join(DIST, file.path), 'utf8') }).toEqual({ file: file.path, content: file.content });
    }
  });

  test('synthesis is deterministic: two runs give identical bytes', () => {
    const a = synthesize(defaultConfig()).files.map((f) => [f.path, f.content]);
    const b = synthesize(defaultConfig()).files.map((f) => [f.path, f.content]);
    expect(b).toEqual(a);
  });

  test.each(['1.27.0', '1.36.0'])('every object in dist/ validates strictly against Kubernetes %s', (version) => {
    const schema = KubernetesSchema.forVersion(version);
    const problems: string[] = [];
    const manifests = committedManifests();
    expect(manifests.length).toBeGreaterThan(10);
    for (const { file, manifest } of manifests) {
      if (!schema.knows(manifest.apiVersion, manifest.kind) && String(manifest.apiVersion).includes('.')) {
        // Custom resources (Argo CD) are only allowed in needs-* folders, which `kubectl apply -f dist` skips, and
        // are checked against their CRDs.
        expect(file).toMatch(/^needs-[a-z0-9-]+\//);
        continue;
      }
      for (const e of schema.validate(manifest)) problems.push(`${file} ${manifest.kind}/${manifest.metadata?.name}: ${e}`);
    }
    expect(problems).toEqual([]);
  });

  test('each unit applies cluster-scoped objects first, and every namespaced object after its Namespace', () => {
    const created = new Set<string>();
    const units = new Map<string, boolean>();
    // The top-level files, in the lexical order `kubectl apply -f dist` reads them; `<unit>.<file>.yaml`.
    for (const { file, manifest } of committedManifests().filter((m) => !m.file.includes(path.sep))) {
      const unit = file.slice(0, file.indexOf('.'));
      const clusterScoped = manifest.metadata.namespace === undefined;
      if (clusterScoped) {
        expect({ file, kind: manifest.kind, afterNamespaced: units.get(unit) ?? false }).toEqual({ file, kind: manifest.kind, afterNamespaced: false });
      } else {
        units.set(unit, true);
        expect({ object: `${manifest.kind}/${manifest.metadata.name}`, namespaceExists: created.has(manifest.metadata.namespace) })
          .toEqual({ object: `${manifest.kind}/${manifest.metadata.name}`, namespaceExists: true });
      }
      if (manifest.kind === 'Namespace') created.add(manifest.metadata.name);
    }
    expect(created).toEqual(expect.any(Set));
    expect(created.has('dwayne')).toBe(true);
  });

  test('the default platform holds both tenant baselines', () => {
    const names = committedManifests().map(({ manifest }) => `${manifest.kind}/${manifest.metadata.namespace ?? ''}/${manifest.metadata.name}`);
    for (const tenant of ['dwayne', 'demo']) {
      expect(names).toEqual(expect.arrayContaining([
        `Namespace//${tenant}`, `ResourceQuota/${tenant}/tenant-quota`, `LimitRange/${tenant}/tenant-limits`,
        `NetworkPolicy/${tenant}/default-deny`, `NetworkPolicy/${tenant}/allow-dns-egress`,
        `Role/${tenant}/namespace-admin`, `Role/${tenant}/namespace-viewer`,
      ]));
    }
  });

  test('every Namespace is labelled with the unit that applies it; only tenants hold tenant-quota and tenant-limits', () => {
    // GIVEN the committed top-level files `<NN>-<unit>.<file>.yaml`
    const top = committedManifests().filter((m) => !m.file.includes(path.sep));
    const namespaces = top.filter(({ manifest }) => manifest.kind === 'Namespace');
    // THEN a Namespace's app.kubernetes.io/name is its unit's name (`kubectl get ns -l app.kubernetes.io/name=mysql`)
    const owners = namespaces.map(({ file, manifest }) => [manifest.metadata.name, manifest.metadata.labels['app.kubernetes.io/name'], file.slice(0, file.indexOf('.')).replace(/^\d+-/, '')]);
    expect(owners.filter(([, label, unit]) => label !== unit)).toEqual([]);
    expect(owners.map(([ns, label]) => `${ns}:${label}`)).toEqual(expect.arrayContaining([
      'dwayne:tenancy', 'demo:tenancy', 'mysql:mysql', 'gateway:gateway', 'logging:observability', 'monitoring:observability',
      'node-agents:observability', 'backup:backup',
    ]));
    // AND tenants keep the quota and limits they always had, every platform namespace has its own names
    const tenants = new Set(defaultConfig().tenants.map((t) => t.name));
    const guards = top.filter(({ manifest }) => ['ResourceQuota', 'LimitRange'].includes(manifest.kind))
      .map(({ manifest }) => `${manifest.metadata.namespace}/${manifest.metadata.name}`).sort();
    const expected = namespaces.map(({ manifest }) => manifest.metadata.name as string)
      .flatMap((ns) => tenants.has(ns) ? [`${ns}/tenant-limits`, `${ns}/tenant-quota`] : [`${ns}/namespace-limits`, `${ns}/namespace-quota`]).sort();
    expect(guards).toEqual(expected);
  });

  test('no Secret with data anywhere in dist/', () => {
    const secrets = committedManifests().filter(({ manifest }) => manifest.kind === 'Secret' && (manifest.data || manifest.stringData));
    expect(secrets).toEqual([]);
  });
});

describe('platform.schema.json', () => {
  test('is what the code generates (run `npm run schema` after changing the config schema)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'platform.schema.json'), 'utf8')).toBe(renderConfigSchema());
  });

  test('platform.yaml points editors at it', () => {
    expect(fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./platform.schema.json');
  });
});

describe('platform.schema.json against the JSON Schema meta-schema', () => {
  test('is a valid draft-07 schema (synth compiles it without this check, for speed)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv').default;
    const ajv = new Ajv({ strict: false });
    expect(ajv.validateSchema(JSON.parse(fs.readFileSync(path.join(ROOT, 'platform.schema.json'), 'utf8')))).toBe(true);
  });
});
