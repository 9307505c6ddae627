import * as fs from 'fs';
import * as path from 'path';
import { defaultHelpers, exchangeDirectories, ExchangeHelper, PERL_HELPER, PYTHON_HELPER } from '../../lib/output/exchange';
import { tempDir } from '../support/helpers';

/** Two directories with one file each, `a/which` = 'a' and `b/which` = 'b'. */
function pair() {
  const dir = tempDir();
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  for (const [p, tag] of [[a, 'a'], [b, 'b']]) {
    fs.mkdirSync(path.join(p, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(p, 'which'), tag);
  }
  const which = (p: string) => fs.readFileSync(path.join(p, 'which'), 'utf8');
  return { dir, a, b, which };
}

const missingHelper: ExchangeHelper = { name: 'missing', command: 'platform-kit-no-such-program', args: () => [] };
const crashingHelper: ExchangeHelper = { name: 'crashing', command: process.execPath, args: () => ['-e', 'process.exit(3)'] };

describe('exchangeDirectories', () => {
  // This machine (and CI's) is Linux with perl and python3; elsewhere the outcome is 'unsupported', tested below.
  const helpers = [PERL_HELPER, PYTHON_HELPER].filter((h): h is ExchangeHelper => h !== undefined);

  test.each(helpers.map((h) => [h.name, h] as const))('%s swaps two non-empty directories in one step', (_name, helper) => {
    const { a, b, which } = pair();
    expect(exchangeDirectories(a, b, [helper])).toBe('exchanged');
    expect([which(a), which(b)]).toEqual(['b', 'a']);
  });

  test('the default helpers exchange on this Linux machine', () => {
    const { a, b, which } = pair();
    expect(defaultHelpers().map((h) => h.name)).toEqual(['perl', 'python3']);
    expect(exchangeDirectories(a, b)).toBe('exchanged');
    expect([which(a), which(b)]).toEqual(['b', 'a']);
  });

  test('elsewhere than Linux there is no helper (renameat2 is Linux\'s): unsupported, and nothing moved', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(defaultHelpers()).toEqual([]);
      const { a, b, which } = pair();
      expect(exchangeDirectories(a, b)).toBe('unsupported');
      expect([which(a), which(b)]).toEqual(['a', 'b']);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });

  test('a missing or crashing helper is skipped for the next one', () => {
    const { a, b, which } = pair();
    expect(exchangeDirectories(a, b, [missingHelper, crashingHelper, PYTHON_HELPER])).toBe('exchanged');
    expect(which(a)).toBe('b');
  });

  test('with no working helper the outcome is unsupported and nothing moved', () => {
    const { a, b, which } = pair();
    expect(exchangeDirectories(a, b, [missingHelper, crashingHelper])).toBe('unsupported');
    expect(exchangeDirectories(a, b, [])).toBe('unsupported');
    expect([which(a), which(b)]).toEqual(['a', 'b']);
  });

  test('a real failure is thrown with its errno code and nothing moved (here a directory that cannot be entered)', () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; a busy mount point is the failure root still gets, so use a helper that reports one
      const { a, b, which } = pair();
      const busy: ExchangeHelper = { name: 'busy', command: process.execPath, args: () => ['-e', `process.stdout.write('${require('os').constants.errno.EBUSY}')`] };
      expect(() => exchangeDirectories(a, b, [busy])).toThrow(expect.objectContaining({ code: 'EBUSY', path: b }));
      expect([which(a), which(b)]).toEqual(['a', 'b']);
      return;
    }
    const { dir, a, b, which } = pair();
    fs.chmodSync(dir, 0o500);
    try {
      expect(() => exchangeDirectories(a, b, [PYTHON_HELPER])).toThrow(expect.objectContaining({ code: 'EACCES' }));
    } finally {
      fs.chmodSync(dir, 0o700);
    }
    expect([which(a), which(b)]).toEqual(['a', 'b']);
  });

  test('an unsupported errno (EINVAL: the filesystem cannot exchange) means fall back, not fail', () => {
    const { a, b, which } = pair();
    const einval: ExchangeHelper = { name: 'einval', command: process.execPath, args: () => ['-e', `process.stdout.write('${require('os').constants.errno.EINVAL}')`] };
    expect(exchangeDirectories(a, b, [einval, PYTHON_HELPER])).toBe('unsupported');
    expect([which(a), which(b)]).toEqual(['a', 'b']);
  });

  test('a path that is not there is an ENOENT error before any helper runs', () => {
    const { dir, a } = pair();
    expect(() => exchangeDirectories(a, path.join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
