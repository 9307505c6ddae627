import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MARKER_NAME } from '../../lib/output/marker';
import { currentOutputDir, recoverLeftovers, writeOutput } from '../../lib/output/write';
import { tempDir, treeHash } from '../support/helpers';
import { tree, writerScript } from './child-writer';

const file = (p: string, content = 'x\n') => ({ path: p, content, objects: [] });
const listing = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort();

/** The hash of the tree writeOutput makes from `files` (written once into a scratch directory). */
function hashOf(files: ReturnType<typeof tree>): string {
  const out = path.join(tempDir(), 'dist');
  writeOutput(out, files);
  return treeHash(out);
}

describe('writeOutput', () => {
  test('replaces the directory with exactly the new files plus the marker, and leaves nothing beside it', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeOutput(out, [file('a/old.yaml'), file('keep.yaml', 'v1\n')]);
    writeOutput(out, [file('keep.yaml', 'v2\n'), file('b/new.yaml')]);
    expect(listing(out)).toEqual([MARKER_NAME, 'b', path.join('b', 'new.yaml'), 'keep.yaml'].sort());
    expect(fs.readFileSync(path.join(out, 'keep.yaml'), 'utf8')).toBe('v2\n');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a failure while writing leaves the previous output byte-for-byte and no temporary directory', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeOutput(out, [file('keep.yaml', 'v1\n')]);
    const before = treeHash(out);
    // 'x' as a file and then as a folder cannot both be written
    expect(() => writeOutput(out, [file('x'), file('x/y.yaml')])).toThrow(/could not write the output.*\n.*Nothing was written: the previous output is unchanged/);
    expect(treeHash(out)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('creates the output directory when it does not exist', () => {
    const out = path.join(tempDir(), 'nested', 'dist');
    writeOutput(out, [file('a.yaml')]);
    expect(fs.readFileSync(path.join(out, 'a.yaml'), 'utf8')).toBe('x\n');
  });

  test('the output keeps ordinary permissions (the umask decides, not a private temporary directory)', () => {
    const out = path.join(tempDir(), 'dist');
    writeOutput(out, [file('unit/a.yaml')]);
    const umask = process.umask();
    expect(fs.statSync(out).mode & 0o777).toBe(0o777 & ~umask);
    expect(fs.statSync(path.join(out, 'unit')).mode & 0o777).toBe(0o777 & ~umask);
    expect(fs.statSync(path.join(out, 'unit', 'a.yaml')).mode & 0o777).toBe(0o666 & ~umask);
  });
});

describe('recovery from an interrupted synth', () => {
  test('a complete .ready tree with no output (killed between the two renames) is moved into place', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeOutput(path.join(dir, '.synth-dist.ready'), [file('new.yaml')]);
    fs.mkdirSync(path.join(dir, '.synth-dist.old'));
    // a reader sees the complete tree before anything recovers it
    expect(currentOutputDir(out)).toBe(path.join(dir, '.synth-dist.ready'));
    recoverLeftovers(out);
    expect(listing(out)).toEqual([MARKER_NAME, 'new.yaml'].sort());
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('the next synth deletes every leftover: staging trees of dead runs, .old, .ready, and the old .synth-* names', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    writeOutput(out, [file('a.yaml')]);
    for (const name of ['.synth-dist.new-999999999-ab12cd34', '.synth-dist.old', '.synth-dist.ready', '.synth-dist-AbC123', '.synth-dist-AbC123.previous']) {
      fs.mkdirSync(path.join(dir, name, 'sub'), { recursive: true });
    }
    fs.writeFileSync(path.join(dir, '.synth-dist.lock'), '999999999\n'); // a dead synth's lock
    fs.mkdirSync(path.join(dir, '.synth-other.old')); // another output's: not ours to delete
    writeOutput(out, [file('b.yaml')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['.synth-other.old', 'dist']);
    expect(listing(out)).toEqual([MARKER_NAME, 'b.yaml'].sort());
  });

  test('an empty lock (its creator was killed before writing its pid) is taken over once it is a few seconds old', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    const lock = path.join(dir, '.synth-dist.lock');
    fs.writeFileSync(lock, '');
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(lock, old, old);
    writeOutput(out, [file('a.yaml')], { lockTimeoutMs: 2_000 });
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a lock held by a live process is waited for, then refused with the lock file named', () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    fs.writeFileSync(path.join(dir, '.synth-dist.lock'), `${process.ppid}\n`);
    expect(() => writeOutput(out, [file('a.yaml')], { lockTimeoutMs: 100 })).toThrow(/another synth is writing[\s\S]*\.synth-dist\.lock is held by process \d+/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('writeOutput in child processes', () => {
  jest.setTimeout(120_000);

  test('concurrent synths into one directory end with one complete tree and no leftover', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    const script = writerScript();
    const tags = ['one', 'two', 'three', 'four'];
    const codes = await Promise.all(tags.map((tag) => new Promise<number | null>((resolve) => {
      spawn(process.execPath, [script, out, tag], { stdio: 'ignore' }).on('exit', resolve);
    })));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(tags.map((t) => hashOf(tree(t)))).toContain(treeHash(out));
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  /** Waits until no process of group `pgid` is left (a killed synth's helper finishes its one call in milliseconds). */
  async function groupGone(pgid: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`process group ${pgid} still runs 5 s after its leader was killed`);
  }

  /** Kills a child that rewrites `out` in a loop (swap mode `swap`) after a random delay, `rounds` times; returns what each kill left. */
  async function killRounds(swap: 'exchange' | 'rename', rounds: number) {
    const dir = tempDir();
    const out = path.join(dir, 'dist');
    const script = writerScript();
    const known = new Map([[hashOf(tree('old')), 'old'], [hashOf(tree('new')), 'new'], [hashOf(tree('new-b')), 'new-b']]);
    const left: Array<{ atPath: boolean; state: string | undefined; cleanAfterNextRun: boolean }> = [];
    for (let i = 0; i < rounds; i++) {
      // GIVEN the old tree at the path
      writeOutput(out, tree('old'));
      // WHEN a child rewrites it in a loop and is killed after a random delay
      // (in its own process group, so we can tell when an exchange helper it started has finished too)
      const child = spawn(process.execPath, [script, out, 'new', 'loop', swap], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, Math.random() * 120));
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGKILL');
      await exited;
      await groupGone(child.pid!);
      const readable = currentOutputDir(out);
      const state = readable === undefined ? undefined : known.get(treeHash(readable));
      // AND the next run recovers
      writeOutput(out, tree('next'), { swap });
      const cleanAfterNextRun = treeHash(out) === hashOf(tree('next')) && fs.readdirSync(dir).join() === 'dist';
      left.push({ atPath: readable === out, state, cleanAfterNextRun });
    }
    return left;
  }

  test('SIGKILL at random points of the write phase leaves the old or a new tree at the path, and the next run cleans up', async () => {
    const left = await killRounds('exchange', 12);
    expect(left).toHaveLength(12);
    for (const round of left) expect(round).toEqual({ atPath: true, state: expect.stringMatching(/^(old|new|new-b)$/), cleanAfterNextRun: true });
  });

  test('where the exchange is unsupported (two renames), a kill leaves a complete tree at the path or ready beside it', async () => {
    const left = await killRounds('rename', 12);
    expect(left).toHaveLength(12);
    for (const round of left) expect(round).toEqual({ atPath: expect.any(Boolean), state: expect.stringMatching(/^(old|new|new-b)$/), cleanAfterNextRun: true });
  });

  /** Counts, for `ms`, how often the path is missing while a child rewrites it in a loop. */
  async function missingWhileRewriting(swap: 'exchange' | 'rename', ms: number) {
    const out = path.join(tempDir(), 'dist');
    writeOutput(out, tree('old'));
    const child = spawn(process.execPath, [writerScript(), out, 'new', 'loop', swap], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    let polls = 0;
    let missing = 0;
    const end = Date.now() + ms;
    while (Date.now() < end) {
      polls++;
      if (!fs.existsSync(out)) missing++;
    }
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    return { polls, missing };
  }

  test('a reader polling the path while synth rewrites it never finds it missing', async () => {
    const seen = await missingWhileRewriting('exchange', 2_000);
    expect(seen.polls).toBeGreaterThan(10_000);
    expect(seen.missing).toBe(0);
  });

  test('(control) the same poller does find the gap of the two-rename fallback, so the test above can fail', async () => {
    const seen = await missingWhileRewriting('rename', 2_000);
    expect(seen.missing).toBeGreaterThan(0);
  });

  test('the compiled writer refuses a foreign directory in a child process too (sanity of the child harness)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    const run = spawnSync(process.execPath, [writerScript(), dir, 'x'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/refusing to write the output/);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });
});
