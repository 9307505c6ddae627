import * as path from 'path';
import { tempDir } from '../support/helpers';

// fs.rmSync cannot be spied on (a non-configurable property), so this file mocks the module: deleting the previous
// tree fails while `failOld` is set, as it does for a read-only tree or a busy mount. The previous tree is in the
// staging directory after an exchange, and in `.old` after the two-rename fallback.
let failOld = false;
let beforeEachRm: ((p: string) => void) | undefined;
jest.mock('fs', () => {
  const real = jest.requireActual('fs');
  return {
    ...real,
    rmSync: (p: string, o: any) => {
      beforeEachRm?.(String(p));
      if (failOld && /[/\\]\.synth-dist\.(old|new-[^/\\]+)$/.test(String(p))) throw Object.assign(new Error(`EACCES: permission denied, rmdir '${p}'`), { code: 'EACCES', path: String(p) });
      return real.rmSync(p, o);
    },
  };
});

import * as fs from 'fs';
import { exchangeDirectories } from '../../lib/output/exchange';
import { MARKER_NAME } from '../../lib/output/marker';
import { recoverLeftovers, writeOutput } from '../../lib/output/write';
import { treeHash } from '../support/helpers';

const file = (p: string, content: string) => ({ path: p, content, objects: [] });

test.each([
  ['exchange', /\.synth-dist\.new-\d+-[0-9a-f]+ could not be deleted/],
  ['rename', /\.synth-dist\.old could not be deleted/],
] as const)('%s: a previous tree that cannot be deleted after the swap is a warning, never "nothing was written"', (swap, leftover) => {
  const dir = tempDir();
  const out = path.join(dir, 'dist');
  writeOutput(out, [file('a.yaml', 'v1\n')], { swap });
  // WHEN deleting the previous tree fails after the new tree was swapped in
  failOld = true;
  let result;
  try {
    result = writeOutput(out, [file('a.yaml', 'v2\n')], { swap });
  } finally {
    failOld = false;
  }
  // THEN the new tree is there and the problem is a warning naming what is left
  expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('v2\n');
  expect(result.warnings).toEqual([expect.stringMatching(/new output is in place, but the previous tree .* could not be deleted \(permission denied \(EACCES/)]);
  expect(result.warnings[0]).toMatch(leftover);
  expect(fs.readdirSync(dir).sort()).toEqual([expect.stringMatching(/^\.synth-dist\./), 'dist']);
  // AND the next run deletes the leftover
  writeOutput(out, [file('a.yaml', 'v3\n')], { swap });
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});

test('a killed run\'s helper that exchanges after recovery began finds nothing to swap, never a half-deleted tree', () => {
  const dir = tempDir();
  const out = path.join(dir, 'dist');
  writeOutput(out, [file('a.yaml', 'current\n')]);
  const before = treeHash(out);
  // GIVEN the staging tree of a synth that was killed while its exchange helper was starting
  const staging = path.join(dir, '.synth-dist.new-999999999-0badc0de');
  fs.mkdirSync(path.join(staging, 'unit'), { recursive: true });
  fs.writeFileSync(path.join(staging, MARKER_NAME), '');
  fs.writeFileSync(path.join(staging, 'unit', 'b.yaml'), 'half\n');
  // WHEN that helper makes its call while the next synth is deleting the leftover
  const attempts: string[] = [];
  beforeEachRm = () => {
    if (attempts.length > 0) return;
    try {
      attempts.push(exchangeDirectories(staging, out));
    } catch (e) {
      attempts.push((e as NodeJS.ErrnoException).code ?? String(e));
    }
  };
  try {
    recoverLeftovers(out);
  } finally {
    beforeEachRm = undefined;
  }
  // THEN the staging name was already gone (renamed before deleting), the output is untouched and nothing is left
  expect(attempts).toEqual(['ENOENT']);
  expect(treeHash(out)).toBe(before);
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});
