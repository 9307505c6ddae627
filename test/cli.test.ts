import * as fs from 'fs';
import * as path from 'path';
import { HELP, runCli } from '../lib/cli';
import { MINIMAL_CLUSTER, tempDir } from './support/helpers';

describe('npm run synth -- --config <file> --out <dir>', () => {
  test('synthesizes another description into another directory and prints the capacity table', () => {
    // GIVEN a config and an output directory elsewhere
    const dir = tempDir();
    const config = path.join(dir, 'other.yaml');
    fs.writeFileSync(config, `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`);
    const out: string[] = [];
    // WHEN
    const code = runCli(['--config', config, '--out', path.join(dir, 'other-dir')], { out: (l) => out.push(l), err: (l) => out.push(l) });
    // THEN
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'other-dir')).filter((f) => f.startsWith('10-tenancy.')).sort()).toEqual(['10-tenancy.00-cluster-scoped.yaml', '10-tenancy.10-team-a.yaml']);
    expect(out.join('\n')).toMatch(/Capacity \(requests;/);
    // the count is of the manifest files: the top-level YAML and the needs-* folders (not README.md, the marker or host/)
    const outDir = path.join(dir, 'other-dir');
    const manifests = fs.readdirSync(outDir, { withFileTypes: true }).flatMap((e) => (e.isFile() && e.name.endsWith('.yaml') ? [e.name]
      : e.isDirectory() && e.name.startsWith('needs-') ? fs.readdirSync(path.join(outDir, e.name)) : []));
    expect(out.join('\n')).toMatch(new RegExp(`objects in ${manifests.length} manifest files written to .*other-dir/ from .*other\\.yaml`));
    expect(fs.readdirSync(path.join(dir, 'other-dir', 'host')).sort()).toEqual(['README.md', 'kube-apiserver', 'kubelet']);
  });

  test('--help prints every flag and command with a line each, and exits 0', () => {
    const out: string[] = [];
    expect(runCli(['--help'], { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out).toEqual(HELP);
    for (const flag of ['--config FILE', '--out DIR', '--plan', '--check', '--help, -h']) {
      expect(out.filter((l) => l.startsWith(`  ${flag} `))).toHaveLength(1);
    }
    // every npm script a user runs has its line
    const scripts = Object.keys(require('../package.json').scripts);
    for (const script of scripts) {
      expect({ script, line: out.some((l) => l.startsWith(`  npm ${script === 'test' ? 'test' : `run ${script}`} `)) }).toEqual({ script, line: true });
    }
  });

  test('an unknown flag, a flag without its value, and --plan with --check are refused with the usage', () => {
    const run = (args: string[]) => {
      const err: string[] = [];
      return { code: runCli(args, { out: () => undefined, err: (l) => err.push(l) }), text: err.join('\n') };
    };
    expect(run(['--outt', 'x'])).toEqual({ code: 1, text: expect.stringMatching(/"--outt" is not an option; usage: .*--help lists every flag/) });
    expect(run(['--out'])).toEqual({ code: 1, text: expect.stringMatching(/--out needs a value/) });
    expect(run(['--plan', '--check'])).toEqual({ code: 1, text: expect.stringMatching(/--plan and --check are two different runs/) });
  });

  test('an error thrown by a construct is one message without a stack trace, exit 2, nothing written', () => {
    // GIVEN a config that passes the schema but that a construct refuses (a host the Ingress cannot use)
    const dir = tempDir();
    const config = path.join(dir, 'p.yaml');
    fs.writeFileSync(config, `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`);
    const err: string[] = [];
    const spy = jest.spyOn(require('../lib/pipeline/synthesize'), 'synthesize').mockImplementation(() => { throw new Error('IngressRoute x/y: host "y" is not a DNS name with a domain'); });
    // WHEN
    const code = runCli(['--config', config, '--out', path.join(dir, 'out')], { out: () => undefined, err: (l) => err.push(l) });
    spy.mockRestore();
    // THEN
    expect(code).toBe(2);
    expect(err[0]).toBe('error: IngressRoute x/y: host "y" is not a DNS name with a domain');
    expect(err.join('\n')).toMatch(/PLATFORM_KIT_DEBUG=1/);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });
});

describe('an error after the new tree is in place', () => {
  test('says the output was written, never "nothing was written"', () => {
    // GIVEN a synth whose write succeeds and whose reporting afterwards fails
    const dir = tempDir();
    const config = path.join(dir, 'p.yaml');
    fs.writeFileSync(config, `${MINIMAL_CLUSTER}tenants:\n  - name: team-a\nmysql: { enabled: false }\nobservability: { enabled: false }\ngitops: { enabled: false }\n`);
    const err: string[] = [];
    // WHEN printing the summary fails (a closed pipe, say) after the tree was swapped in
    const out = (line: string) => { if (line.startsWith('Platform Kit:')) throw new Error('boom'); };
    const code = runCli(['--config', config, '--out', path.join(dir, 'out')], { out, err: (l) => err.push(l) });
    // THEN
    expect(code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'out', '10-tenancy.10-team-a.yaml'))).toBe(true);
    expect(err.join('\n')).toMatch(/\(the new output was written to .*out\/ before this error;/);
    expect(err.join('\n')).not.toMatch(/nothing was written/);
  });
});
