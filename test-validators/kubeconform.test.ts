import * as fs from 'fs';
import * as path from 'path';
import { writeKubeconformSchemas, SCHEMA_TEMPLATE } from './support/kubeconform-schemas';
import { distObjects, manifestFiles, runTool, tempDir } from './support/run';

// kubeconform, a second opinion on dist/ next to our own schema check: strict (unknown fields and duplicate keys
// are errors), offline, against the Kubernetes releases we promise (1.27, and 1.36 forward) and our CRDs.
describe('kubeconform on dist/', () => {
  const kinds = new Set<string>(distObjects().map((o) => o.kind));

  test.each(['1.27.0', '1.36.0'])('every object is valid for Kubernetes %s, none skipped', (release) => {
    // GIVEN local schemas for that release (and our CRDs)
    const dir = tempDir(`kubeconform-${release}`);
    writeKubeconformSchemas(dir, release, kinds);
    // WHEN kubeconform checks every manifest file of dist/ (not dist/host/: node-side config, never applied)
    const r = runTool('kubeconform', [
      '-strict', '-summary', '-output', 'text', '-kubernetes-version', release,
      '-schema-location', path.join(dir, SCHEMA_TEMPLATE), ...manifestFiles(),
    ]);
    if (r.status !== 0) console.log(r.output);
    // THEN nothing is invalid, nothing errs, and no object went unchecked for lack of a schema
    expect(r.output).toMatch(/Summary: \d+ resources found in \d+ files - Valid: \d+, Invalid: 0, Errors: 0, Skipped: 0/);
    expect(r.status).toBe(0);
  });

  test('the local schemas are strict: an unknown field is an error', () => {
    // GIVEN a ConfigMap with a misspelt field
    const dir = tempDir('kubeconform-strict');
    writeKubeconformSchemas(path.join(dir, 'schemas'), '1.27.0', new Set(['ConfigMap']));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x, namespace: y }\ndta: { a: b }\n');
    // WHEN kubeconform checks it THEN it is invalid, naming the field
    const r = runTool('kubeconform', ['-strict', '-summary', '-schema-location', path.join(dir, 'schemas', SCHEMA_TEMPLATE), bad]);
    expect(r.output).toMatch(/Invalid: 1/);
    expect(r.output).toContain('dta');
    expect(r.status).not.toBe(0);
  });
});
