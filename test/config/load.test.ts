import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { loadConfigFile, parseConfig } from '../../lib/config/load';
import { LineIndex } from '../../lib/config/source-lines';
import { MAX_PROBLEM_LINES } from '../../lib/core/errors';
import { MINIMAL_CLUSTER, problemsOf, ROOT, tempDir, userErrorMessage } from '../support/helpers';

/** The message parseConfig throws for a text. */
const messageOf = (yaml: string) => userErrorMessage(() => parseConfig(yaml));

const APP = '    image: { repository: nginxinc/nginx-unprivileged, tag: 1.27.4-alpine }\n';

describe('every problem in one run', () => {
  test('schema problems and cross-field problems are reported together', () => {
    // GIVEN a typo in one tenant, a duplicate tenant, an app in a missing tenant and a duplicate app
    const problems = problemsOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    qouta: {}\n  - name: a\napps:\n  - name: x\n    tenant: nope\n${APP}  - name: x\n    tenant: a\n${APP}`);
    // THEN all four come at once, each with its line, in the order of the file
    expect(problems).toEqual([
      expect.stringMatching(/^tenants\[0\]\.qouta: unknown key "qouta"; did you mean "quota"\? .*\(line 8\)$/),
      expect.stringMatching(/^tenants\[1\]\.name: "a" is already tenants\[0\]; .*\(line 9\)$/),
      expect.stringMatching(/^apps\[0\]\.tenant: "nope" is not a tenant; .*\(line 12\)$/),
      expect.stringMatching(/^apps\[1\]\.name: "x" is already apps\[0\]; .*\(line 14\)$/),
    ]);
  });

  test('invalid data does not crash the cross-field checks, and a refused value is not reported twice', () => {
    // GIVEN nodes of the wrong shape, a quantity that is not one, and a duplicate tenant
    const problems = problemsOf(`cluster:\n  nodes: oops\n  nfs: { server: 10.0.0.100 }\ntenants:\n  - name: a\n    limits: { max: { memory: lots } }\n  - name: a\n`);
    // THEN each is reported once and the duplicate still is
    expect(problems).toEqual([
      expect.stringMatching(/^cluster\.nodes: "oops" is a string, expected an array \(line 2\)$/),
      expect.stringMatching(/^tenants\[0\]\.limits\.max\.memory: "lots" is not a Kubernetes quantity .*\(line 6\)$/),
      expect.stringMatching(/^tenants\[1\]\.name: "a" is already tenants\[0\]; .*\(line 7\)$/),
    ]);
  });

  test('a missing section does not hide the problems of the others', () => {
    // GIVEN no cluster section and a duplicate tenant THEN both are reported
    expect(problemsOf('tenants:\n  - name: a\n  - name: a\n')).toEqual([
      expect.stringMatching(/^tenants\[1\]\.name: "a" is already tenants\[0\]; .*\(line 3\)$/),
      expect.stringMatching(/^cluster: is required but missing/),
    ]);
  });

  test('an unknown key points at its own line, not its parent\'s', () => {
    // GIVEN an unknown key three lines below its parent mapping
    const problems = problemsOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota:\n      cpu: "1"\n      memory: 1Gi\n      gpus: 1\n`);
    // THEN the line is that of `gpus:`
    expect(problems).toEqual([expect.stringMatching(/^tenants\[0\]\.quota\.gpus: unknown key "gpus".* \(line 11\)$/)]);
  });

  test('a cross-field problem about a defaulted field points at the nearest line the file has', () => {
    // GIVEN replicas above the (default) export paths THEN the line is the section's own
    expect(problemsOf(`${MINIMAL_CLUSTER}tenants: []\nmysql:\n  replicas: 4\n`)).toEqual([expect.stringMatching(/^mysql\.exportPaths: .*\(line 7\)$/)]);
  });
});

describe('YAML numbers where Kubernetes takes a quantity', () => {
  test('cpu: 2 and memory: 1073741824 are accepted and become string quantities', () => {
    // GIVEN quantities written as YAML numbers
    const config = parseConfig(`cluster:\n  nodes:\n    - { name: cp, ip: 10.0.0.1, role: control-plane, cpu: 2, memory: 4294967296 }\n    - { name: w1, ip: 10.0.0.2, cpu: 4, memory: 8Gi }\n  nfs: { server: 10.0.0.100 }\ntenants:\n  - name: a\n    quota: { cpu: 1.5, memory: 1073741824, storage: 12345678901234567890 }\n`);
    // THEN they are the strings the rest of Platform Kit reads, every digit kept
    expect(config.cluster.nodes[0].cpu).toBe('2');
    expect(config.cluster.nodes[0].memory).toBe('4294967296');
    expect(config.tenants[0].quota.cpu).toBe('1.5');
    expect(config.tenants[0].quota.memory).toBe('1073741824');
    expect(config.tenants[0].quota.storage).toBe('12345678901234567890');
  });

  test.each([
    ['"1.5 GB"', /quota\.memory: "1\.5 GB" is not a Kubernetes quantity .*; did you mean "1\.5Gi"\? \(line 8\)/],
    ['"2G ram"', /quota\.memory: "2G ram" is not a Kubernetes quantity \(examples: "2", "500m", "256Mi", "1Gi"\) \(line 8\)/],
    ['.inf', /quota\.memory: \.inf is a number, expected a string \(put the value in quotes to keep it as written, e\.g\. "1\.10"\) \(line 8\)/],
    ['"-1Gi"', /quota\.memory: "-1Gi" is not a Kubernetes quantity .*; sizes, capacities and quotas cannot be negative \(line 8\)/],
    ['1e400', /quota\.memory: "1e400" is not a Kubernetes quantity .*; this one is too large to count with \(line 8\)/],
  ])('%s keeps a clear refusal', (value, message) => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { memory: ${value} }\n`)).toMatch(message);
  });

  test('a count stays a count: pods: 10 is a number, "10" is refused with the fix', () => {
    expect(problemsOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { pods: 10 }\n`)).toEqual([]);
    expect(problemsOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota: { pods: "10" }\n`)).toEqual([expect.stringMatching(/write 10 without quotes/)]);
  });
});

describe('values YAML reads as another type', () => {
  test.each([
    ['an image tag YAML reads as a number', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  image: { tag: 8.4 }\n`, /^mysql\.image\.tag: 8\.4 is a number, expected a string \(put the value in quotes to keep it as written, e\.g\. "1\.10"\) \(line 8\)$/],
    ['yes for a boolean', `${MINIMAL_CLUSTER}tenants: []\nmysql:\n  enabled: yes\n`, /^mysql\.enabled: "yes" is a string, expected a boolean \(write true or false\) \(line 8\)$/],
  ])('%s: the fix says how to write it', (_name, yaml, message) => {
    expect(problemsOf(yaml)).toEqual([expect.stringMatching(message)]);
  });
});

describe('YAML syntax errors in plain words', () => {
  test.each([
    ['a tab as indentation', `${MINIMAL_CLUSTER}tenants:\n\t- name: a\n`, /line 7, column 1: a tab is used for indentation; YAML allows only spaces\n\s+7 \|  - name: a\n\s+\| \^/],
    ['a value with ": " in it', `${MINIMAL_CLUSTER}gitops:\n  path: deploy: dist\n`, /line 7, column 9: a value contains ": " \(a colon and a space\), which starts a nested mapping; put the value in quotes\n\s+7 \|   path: deploy: dist\n\s+\|         \^/],
    ['an unknown escape', `${MINIMAL_CLUSTER}gitops:\n  path: "dist\\q"\n`, /a "\\" in a double-quoted string starts an unknown escape; use single quotes/],
    ['a value starting with @', `${MINIMAL_CLUSTER}gitops:\n  path: @dist\n`, /a plain value cannot start with @; put the value in quotes/],
    ['two documents', `${MINIMAL_CLUSTER}---\ntenants: []\n`, /the file holds more than one YAML document \("---"\); platform\.yaml is one document/],
  ])('%s', (_name, yaml, message) => {
    const message_ = messageOf(yaml);
    expect(message_).toMatch(/^platform\.yaml: not valid YAML \(\d+ errors?\)\n/);
    expect(message_).toMatch(message);
  });
});

describe('duplicate keys', () => {
  test('a key twice in a nested mapping is named with its line, beside a syntax error elsewhere', () => {
    const message = messageOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n    quota:\n      cpu: "1"\n      cpu: "2"\ngitops:\n  path: "x\\q"\n`);
    expect(message).toMatch(/^platform\.yaml: not valid YAML \(2 errors\)\n\s+- line 10, column 7: key "cpu" appears twice in the same mapping; keep one of them\n\s+10 \|       cpu: "2"\n\s+\|       \^\n\s+- line 12, column 11: a "\\" in a double-quoted string/);
  });

  // Found with a set per mapping (linear); the parser's own uniqueKeys check compared every pair of keys.
  test('a config map of 8,000 distinct keys loads, and one repeated key among them is found', () => {
    const keys = Array.from({ length: 8000 }, (_, i) => `      KEY_${i}: v\n`).join('');
    const app = `apps:\n  - name: web\n    tenant: a\n    image: { repository: nginx, tag: "1.27" }\n    config:\n${keys}`;
    expect(Object.keys(parseConfig(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n${app}`).apps[0].config)).toHaveLength(8000);
    expect(messageOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n${app}      KEY_17: again\n`)).toMatch(/key "KEY_17" appears twice in the same mapping/);
  }, 30_000);
});

describe('files a person did not mean to write', () => {
  test('a garbage file gives at most a screenful, with the count of the rest', () => {
    // GIVEN 500 unknown top-level keys
    const keys = Array.from({ length: 500 }, (_, i) => `junk${i}: ${i}\n`).join('');
    const message = messageOf(`${MINIMAL_CLUSTER}${keys}`);
    // THEN the heading counts all, the list stops after a screenful
    expect(message).toMatch(/^platform\.yaml: 500 problems\n/);
    expect(message.split('\n').length).toBeLessThanOrEqual(MAX_PROBLEM_LINES + 2);
    expect(message).toMatch(/…and 4\d\d more \(fix these first, then run again\)$/);
  });

  test('YAML garbage is capped too', () => {
    const message = messageOf('a: [\n'.repeat(300));
    expect(message).toMatch(/^platform\.yaml: not valid YAML \(\d+ errors\)/);
    expect(message.split('\n').length).toBeLessThanOrEqual(MAX_PROBLEM_LINES + 2);
    expect(message).toMatch(/…and \d+ more/);
  });

  test('an alias bomb ("billion laughs") is refused in plain words', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(',')}]`);
    expect(messageOf(`${levels.join('\n')}\n`)).toMatch(/not valid YAML \(1 error\)\n\s+- line 4, column 8: the file uses aliases \("\*name"\) so heavily that it would expand enormously \(a "billion laughs" file\)/);
  });

  test('an alias inside its own anchor (an infinite value) is refused, not a crash', () => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants: &t [ *t ]\n`)).toMatch(/not valid YAML\n\s+- an alias \("\*name"\) is used inside its own anchor \("&name"\), so the value would be infinite/);
  });

  test('a list used as a key is an unknown key, without a parser warning on stderr', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    expect(problemsOf(`${MINIMAL_CLUSTER}? [a, b]\n: c\n`)).toEqual([expect.stringMatching(/^\[ a, b \]: unknown key/)]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  test('an alias without its anchor is named', () => {
    expect(messageOf(`${MINIMAL_CLUSTER}tenants: *team\n`)).toMatch(/line 6, column 10: an alias refers to no anchor: "\*team"; define "&team" on a value above before using "\*team"\n\s+6 \| tenants: \*team\n\s+\|          \^/);
  });
});

describe('a config file that cannot be read', () => {
  test('a directory passed as the config names the file to pass instead', () => {
    expect(() => loadConfigFile(tempDir())).toThrow(/is a directory; pass the platform\.yaml file inside it/);
  });
});

describe('exact lines, and binary garbage printed cleanly', () => {
  test('line numbers are counted from the text itself (yaml\'s LineCounter drifts on prose such as a README)', () => {
    // GIVEN a file that is not YAML at all, with many parse errors at known offsets
    const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const lines = new LineIndex(text);
    const errors = parseDocument(text, { prettyErrors: false }).errors;
    expect(errors.length).toBeGreaterThan(0);
    // THEN every offset maps to the line and column a plain count gives
    for (const e of errors) {
      const before = text.slice(0, e.pos[0]).split('\n');
      expect(lines.linePos(e.pos[0])).toEqual({ line: before.length, col: before[before.length - 1].length + 1 });
    }
  });

  test('control characters in the source line are shown as "?"', () => {
    const message = messageOf(`${MINIMAL_CLUSTER}tenants:\n  - name: a\n   \u0001\u0002: [\n`);
    expect(message).not.toMatch(/[\u0001\u0002]/);
    expect(message).toMatch(/\?\?/);
  });
});
