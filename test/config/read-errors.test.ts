import * as path from 'path';
import { runCli } from '../../lib/cli';
import { tempDir } from '../support/helpers';

// fs.readFileSync cannot be spied on (its property is not configurable), so the module is mocked: reads of the
// config named below fail with the code under test, every other read is the real one.
const FAILING = '/config/under/test/platform.yaml';
let failWith: string | undefined;
jest.mock('fs', () => {
  const actual = jest.requireActual('fs');
  return {
    ...actual,
    readFileSync: (file: unknown, ...rest: unknown[]) => {
      if (file === FAILING && failWith !== undefined) throw Object.assign(new Error(`${failWith}: boom`), { code: failWith });
      return actual.readFileSync(file, ...rest);
    },
  };
});

describe('a config file that cannot be read', () => {
  test.each([
    ['EBUSY', /the file is busy/], ['ENOSPC', /no space left on the device/], ['EACCES', /permission denied; make the file readable/],
    ['EPERM', /the operation is not permitted/], ['EIO', /an input\/output error/], ['EMFILE', /too many open files/], ['EWHATEVER', /EWHATEVER: boom; check the file and the --config path/],
  ])('%s is a plain message and exit 1, never the "looks like a bug" text', (code, message) => {
    // GIVEN reading the config fails with the error code
    failWith = code;
    const err: string[] = [];
    // WHEN synthesizing
    const exit = runCli(['--config', FAILING, '--out', path.join(tempDir(), 'dist')], { out: () => undefined, err: (l) => err.push(l) });
    // THEN
    expect(exit).toBe(1);
    expect(err.join('\n')).toMatch(new RegExp(`cannot read the platform description\\n\\s+- ${message.source}`));
    expect(err.join('\n')).not.toMatch(/looks like a bug/);
  });
});
