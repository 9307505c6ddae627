import * as fs from 'fs';
import * as path from 'path';
import { writeAtomically } from '../../lib/output/write';
import { tempDir, treeHash } from '../support/helpers';

const file = (p: string, content = 'x\n') => ({ path: p, content, objects: [] });

describe('writeAtomically', () => {
  test('replaces the directory with exactly the new files (stale files disappear)', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeAtomically(out, [file('a/old.yaml'), file('keep.yaml', 'v1\n')]);
    writeAtomically(out, [file('keep.yaml', 'v2\n'), file('b/new.yaml')]);
    expect(fs.readdirSync(out, { recursive: true }).map(String).sort()).toEqual(['b', path.join('b', 'new.yaml'), 'keep.yaml']);
    expect(fs.readFileSync(path.join(out, 'keep.yaml'), 'utf8')).toBe('v2\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a failure while writing leaves the previous output byte-for-byte and no temporary directory', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeAtomically(out, [file('keep.yaml', 'v1\n')]);
    const before = treeHash(out);
    // 'x' as a file and then as a folder cannot both be written
    expect(() => writeAtomically(out, [file('x'), file('x/y.yaml')])).toThrow();
    expect(treeHash(out)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('creates the output directory when it does not exist', () => {
    const out = path.join(tempDir(), 'nested', 'dist');
    writeAtomically(out, [file('a.yaml')]);
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('x\n');
  });
});
