import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../lib/cli';
import { MINIMAL_CLUSTER, ROOT, tempDir, treeHash } from '../support/helpers';

/**
 * Bad input through the real entry point: every case must exit 1 with one clear message that names the field,
 * the bad value and the fix, print no stack trace, and leave the existing output directory byte-for-byte alone.
 */
function runWith(yaml: string): { code: number; err: string; out: string; untouched: boolean } {
  const dir = tempDir();
  const config = path.join(dir, 'platform.yaml');
  fs.writeFileSync(config, yaml);
  const outDir = path.join(dir, 'dist');
  fs.mkdirSync(path.join(outDir, 'platform'), { recursive: true });
  fs.writeFileSync(path.join(outDir, 'platform', 'previous.yaml'), 'kind: Previous\n');
  const before = treeHash(outDir);
  const err: string[] = [];
  const out: string[] = [];
  const code = runCli(['--config', config, '--out', outDir], { out: (l) => out.push(l), err: (l) => err.push(l) });
  const untouched = treeHash(outDir) === before && fs.readdirSync(dir).every((f) => !f.startsWith('.synth-'));
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, err: err.join('\n'), out: out.join('\n'), untouched };
}

const CASES: Array<[string, string, RegExp]> = [
  ['a quantity that is not one',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n  - name: b\n    quota: { cpu: "2 cores" }\n`,
    /tenants\[1\]\.quota\.cpu: "2 cores" is not a Kubernetes quantity \(examples: "2", "500m"/],
  ['a misspelt key, with a suggestion',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    qouta: { cpu: "1" }\n`,
    /tenants\[0\]\.qouta: unknown key "qouta"; did you mean "quota"\?/],
  ['an unknown top-level section',
    `${MINIMAL_CLUSTER}tennants: []\n`,
    /tennants: unknown key "tennants"; did you mean "tenants"\?/],
  ['a missing required section',
    `tenants: []\n`,
    /cluster: is required but missing/],
  ['an invalid node IP',
    MINIMAL_CLUSTER.replace('10.0.0.2', '10.0.0.256'),
    /cluster\.nodes\[1\]\.ip: "10\.0\.0\.256" is not an IPv4 address \(example: "10\.10\.10\.101"\)/],
  ['a pod CIDR without a mask',
    `${MINIMAL_CLUSTER.replace('cluster:\n', 'cluster:\n  podCidr: 10.244.0.0\n')}`,
    /cluster\.podCidr: "10\.244\.0\.0" is not an IPv4 CIDR block/],
  ['a tenant name that is not a DNS label',
    `${MINIMAL_CLUSTER}tenants:\n  - name: Team_A\n`,
    /tenants\[0\]\.name: "Team_A" is not a DNS label/],
  ['a Pod Security level that does not exist',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    podSecurity: { enforce: strict }\n`,
    /tenants\[0\]\.podSecurity\.enforce: "strict" is not allowed; use one of "privileged", "baseline", "restricted"/],
  ['a quoted number where a count is expected',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { pods: "10" }\n`,
    /tenants\[0\]\.quota\.pods: "10" is a string, expected a whole number \(write 10 without quotes\)/],
  ['a negative count',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { pods: -1 }\n`,
    /tenants\[0\]\.quota\.pods: -1 must be at least 0/],
  ['a duplicate tenant',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n  - name: a\n`,
    /tenants\[1\]\.name: "a" is already tenants\[0\]; tenant names must be unique/],
  ['a tenant that takes a system namespace',
    `${MINIMAL_CLUSTER}tenants:\n  - name: kube-system\n`,
    /tenants\[0\]\.name: "kube-system" is reserved \(a Kubernetes system namespace\)/],
  ['a LimitRange default above its max',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    limits: { default: { memory: 2Gi }, max: { memory: 1Gi } }\n`,
    /tenants\[0\]\.limits\.max\.memory: "1Gi" is below limits\.default\.memory \("2Gi"\)/],
  ['a malformed ServiceAccount reference',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    admins: { serviceAccounts: [ci-bot] }\n`,
    /tenants\[0\]\.admins\.serviceAccounts\[0\]: "ci-bot" is not a ServiceAccount reference: write "namespace\/name"/],
  ['two nodes with one IP',
    MINIMAL_CLUSTER.replace('10.0.0.2', '10.0.0.1'),
    /cluster\.nodes\[1\]\.ip: "10\.0\.0\.1" is already used by cluster\.nodes\[0\]/],
  ['no schedulable node',
    `cluster:\n  nodes:\n    - { name: cp, ip: 10.0.0.1, role: control-plane, cpu: "2", memory: 4Gi }\n  nfs: { server: 10.0.0.100 }\n`,
    /cluster\.nodes: no node is schedulable; add a worker or set `schedulable: true`/],
  ['YAML that does not parse',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n   quota: {\n`,
    /not valid YAML \(2 errors\)\n\s+- line 8, column 1: a character is missing: a "-" before a list item, a ":" after a key.*\n\s+8 \|    quota: \{\n\s+\| \^/],
  ['a duplicate key',
    `${MINIMAL_CLUSTER}tenants: []\ntenants: []\n`,
    /not valid YAML \(1 error\)\n\s+- line 7, column 1: key "tenants" appears twice in the same mapping; keep one of them\n\s+7 \| tenants: \[\]\n\s+\| \^/],
  ['a list where a mapping belongs',
    `${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: [1, 2]\n`,
    /tenants\[0\]\.quota: \[1,2\] is a list, expected an object/],
  ['an empty file',
    ``,
    /not a platform description\n\s+- the file must be a YAML mapping with at least a `cluster:` section/],
  ['a node smaller than what the system keeps',
    MINIMAL_CLUSTER.replace('memory: 8Gi', 'memory: 512Mi'),
    /cluster\.nodes\[1\]: w1 \(4 CPU, 512Mi\) is not larger than cluster\.reservedPerNode/],
];

describe('bad platform.yaml', () => {
  test.each(CASES)('%s: clear message, exit 1, output untouched', (_name, yaml, message) => {
    // GIVEN an existing output directory and a bad config WHEN synthesizing
    const result = runWith(yaml);
    // THEN the run fails with the message, no stack trace, and the output is as it was
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(result.untouched).toBe(true);
  });

  test('a failing synth check (quota) is reported with its numbers and the capacity table; output untouched', () => {
    // GIVEN the default platform with helloworld's NodePort switched on, which tenant dwayne's quota (0 NodePorts) refuses
    const yaml = fs.readFileSync(path.join(ROOT, 'platform.yaml'), 'utf8').replace('    # nodePort: 30002', '    nodePort: 30002');
    expect(yaml).toMatch(/^ {4}nodePort: 30002$/m);
    // WHEN synthesizing
    const result = runWith(yaml);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/synth checks failed, 1 problem; nothing was written\n\s+- \[quota fit\] namespace dwayne: services\.nodeports needs 1 but ResourceQuota tenant-quota allows 0; raise tenants\[0\]\.quota\.nodePorts in platform\.yaml to at least 1, or remove apps\[0\]\.nodePort\./);
    expect(result.err).toMatch(/Capacity \(requests;/);
    expect(result.untouched).toBe(true);
  });

  test('every problem of a file is reported at once, with line numbers', () => {
    // GIVEN a config with three independent mistakes
    const result = runWith(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { cpu: lots, memory: 1Gb }\n    podSecurity: { enforce: none }\n`);
    // THEN all three are listed, each with its line
    expect(result.err).toMatch(/3 problems/);
    expect(result.err).toMatch(/quota\.cpu: "lots" .* \(line 8\)/);
    expect(result.err).toMatch(/quota\.memory: "1Gb" .* \(line 8\)/);
    expect(result.err).toMatch(/podSecurity\.enforce: "none" .* \(line 9\)/);
  });

  test('a missing config file names the flag to fix it', () => {
    // WHEN the config path does not exist
    const err: string[] = [];
    const code = runCli(['--config', '/nonexistent/platform.yaml', '--out', tempDir()], { out: () => undefined, err: (l) => err.push(l) });
    // THEN
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/no such file; pass an existing file with --config <file>/);
  });

  test('unknown command-line options are refused with the usage', () => {
    const err: string[] = [];
    const code = runCli(['--outdir', 'x'], { out: () => undefined, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/"--outdir" is not an option; usage: npm run synth -- \[--config platform\.yaml\] \[--out dist\]/);
  });
});
