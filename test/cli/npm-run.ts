import { runCli } from '../../lib/cli';
import { runSecrets } from '../../lib/secrets/secrets-command';

/** Where a run happens: npm runs every script in the project directory and records the user's shell directory in INIT_CWD. */
export interface NpmRun {
  /** The directory the user typed `npm run …` in. */
  readonly shell: string;
  /** The package root npm runs the script in. @default - the shell directory */
  readonly project?: string;
  /** Other variables npm sets (npm_lifecycle_event, npm_config_<flag> for a flag npm took for itself). @default {} */
  readonly env?: Readonly<Record<string, string>>;
}

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `fn` as `npm run …` typed in `where.shell` would (the test's own process; cwd and environment restored after). */
export function asNpmRun<T>(where: NpmRun, fn: () => T): T {
  const cwd = process.cwd();
  const saved = { ...process.env };
  process.chdir(where.project ?? where.shell);
  process.env.INIT_CWD = where.shell;
  for (const key of Object.keys(process.env).filter((k) => k.startsWith('npm_config_') || k === 'npm_lifecycle_event')) delete process.env[key];
  Object.assign(process.env, where.env ?? {});
  try {
    return fn();
  } finally {
    process.chdir(cwd);
    process.env = saved;
  }
}

/** `npm run synth -- <args>` (plan and check are flags of it), with its output captured. */
export function synth(args: readonly string[], where?: NpmRun): RunResult {
  return capture((io) => runCli(args, io), where);
}

/** `npm run secrets -- <args>`, with its output captured. */
export function secrets(args: readonly string[], where?: NpmRun): RunResult {
  return capture((io) => runSecrets(args, io), where);
}

function capture(run: (io: { out: (l: string) => void; err: (l: string) => void }) => number, where?: NpmRun): RunResult {
  const out: string[] = [];
  const err: string[] = [];
  const go = () => run({ out: (l) => out.push(l), err: (l) => err.push(l) });
  const code = where ? asNpmRun(where, go) : go();
  return { code, out: out.join('\n'), err: err.join('\n') };
}
