import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SCRIPTS_DIR } from './harness';

// shellcheck over every script can take a while on a loaded CI machine.
jest.setTimeout(30_000);

const SCRIPTS = fs
  .readdirSync(SCRIPTS_DIR)
  .filter((f) => f.endsWith('.sh'))
  .sort();

// Decided at load time: without shellcheck the test is reported as skipped, never passed.
const probe = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
const available = !probe.error && probe.status === 0;
const shellcheckTest = available ? test : test.skip;
const title = available
  ? 'shellcheck -x reports nothing for any script'
  : 'shellcheck -x reports nothing for any script (SKIPPED: shellcheck is not installed on this machine)';

test('the expected scripts exist', () => {
  expect(SCRIPTS).toEqual(['backup.sh', 'bootstrap.sh', 'config.sh', 'lib.sh', 'probe.sh']);
});

shellcheckTest(title, () => {
  const res = spawnSync('shellcheck', ['-x', ...SCRIPTS.map((f) => path.join(SCRIPTS_DIR, f))], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../../..'),
  });
  expect(res.stdout + res.stderr).toBe('');
  expect(res.status).toBe(0);
});

test('every executable script starts with the bash shebang and strict mode', () => {
  for (const file of SCRIPTS.filter((f) => f !== 'lib.sh')) {
    const lines = fs.readFileSync(path.join(SCRIPTS_DIR, file), 'utf8').split('\n');
    expect([file, lines[0]]).toEqual([file, '#!/usr/bin/env bash']);
    expect(lines).toContain('set -euo pipefail');
  }
});
