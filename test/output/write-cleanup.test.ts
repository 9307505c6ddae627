import * as path from 'path';
import { tempDir } from '../support/helpers';

// fs.rmSync cannot be spied on (a non-configurable property), so this file mocks the module: deleting the previous
// tree fails while `failOld` is set, as it does for a read-only tree or a busy mount.
let failOld = false;
jest.mock('fs', () => {
  const real = jest.requireActual('fs');
  return {
    ...real,
    rmSync: (p: string, o: any) => {
      if (failOld && String(p).endsWith('.synth-dist.old')) throw Object.assign(new Error(`EACCES: permission denied, rmdir '${p}'`), { code: 'EACCES', path: String(p) });
      return real.rmSync(p, o);
    },
  };
});

import * as fs from 'fs';
import { writeOutput } from '../../lib/output/write';

const file = (p: string, content: string) => ({ path: p, content, objects: [] });

test('a previous tree that cannot be deleted after the swap is a warning, never "nothing was written"', () => {
  const dir = tempDir();
  const out = path.join(dir, 'dist');
  writeOutput(out, [file('a.yaml', 'v1\n')]);
  // WHEN deleting the previous tree fails after the new tree was swapped in
  failOld = true;
  let result;
  try {
    result = writeOutput(out, [file('a.yaml', 'v2\n')]);
  } finally {
    failOld = false;
  }
  // THEN the new tree is there and the problem is a warning naming what is left
  expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('v2\n');
  expect(result.warnings).toEqual([expect.stringMatching(/new output is in place, but the previous tree .*\.synth-dist\.old could not be deleted \(permission denied \(EACCES/)]);
  // AND the next run deletes the leftover
  writeOutput(out, [file('a.yaml', 'v3\n')]);
  expect(fs.readdirSync(dir)).toEqual(['dist']);
});
