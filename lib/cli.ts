import * as fs from 'fs';
import * as path from 'path';
import { CliPath, cliPath, parseFlags, showPath, userDirectory } from './cli-args';
import { loadConfigFile } from './config/load';
import { UserError } from './core/errors';
import { checkOwnership } from './output/ownership';
import { planChanges, readTree, renderPlan } from './output/plan';
import { PhaseTimings } from './output/timings';
import { currentOutputDir, writeOutput } from './output/write';
import { BuildOptions, partNotices } from './pipeline/build-platform';
import { synthesize } from './pipeline/synthesize';

export const USAGE = 'usage: npm run synth -- [--config platform.yaml] [--out dist] [--plan | --check]';

/** Exit code of `--plan` when the output would change (0: no change; 1: a config or check problem; 2: any other error). */
export const EXIT_PLAN_CHANGES = 3;

/** `--help`: every flag and command, one line each. A test keeps it in step with the flags parseArgs accepts. */
export const HELP = [
  USAGE,
  '',
  'Synthesizes the platform description into Kubernetes YAML, after every check passed; writes nothing on any error.',
  '',
  'Flags:',
  '  --config FILE   platform description to read (default: platform.yaml)',
  '  --out DIR       output directory (default: dist); only a missing, empty or Platform Kit-marked directory is replaced',
  `  --plan          print per unit the objects a synth would add, change and remove; write nothing; exit 0 = no change, ${EXIT_PLAN_CHANGES} = changes`,
  '  --check         validate the config and run every check; write nothing',
  '  --help, -h      print this help',
  'Paths you type are relative to the directory you ran npm in (npm itself runs the script in the project root); the',
  'defaults platform.yaml and dist are the project root\'s. Give each flag once, after `--` (without it npm keeps them).',
  '',
  'Commands:',
  '  npm run synth   synthesize platform.yaml into dist/ (compiles only the .ts files that changed)',
  '  npm run plan    the same as npm run synth -- --plan',
  '  npm run check   the same as npm run synth -- --check',
  '  npm run secrets the first-time Secrets the config expects (-- --kubectl: the commands that create them)',
  '  npm run versions  every pinned image, its release line and whether its support has ended',
  '  npm test        type-check everything, then run the tests',
  '  npm run typecheck  only the type-check (tsc --noEmit over lib, tests, bench, scripts, controller)',
  '  npm run bench   time whole synth commands on generated platforms (figures only; never fails on time)',
  '  npm run schema  regenerate platform.schema.json, the CRD schema index and the docs\' Secret table from the code',
  '  npm run test:validators  promtool, amtool, kubeconform and kube-score on dist/ (needs Go; builds them once)',
  '  npm run test:cluster  dist/ on a real kube-apiserver, scheduler and kwok nodes (needs Go; builds them once)',
  '  npm run build   full tsc build of build/ (synth does not need it)',
  '  npm run website-controller  run the Website controller locally (-- --kubeconfig <file>; controller/website/README.md)',
  '',
  'Exit codes: 0 done (plan: nothing would change), 1 a problem in the config or a failed check, 2 any other error',
  `  (a construct refused a value, or a bug in Platform Kit), ${EXIT_PLAN_CHANGES} (--plan only) the output would change.`,
  'Environment: PLATFORM_KIT_TIMINGS=1 prints the time of each phase (json: as JSON); PLATFORM_KIT_DEBUG=1 shows stack traces.',
];

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

type Mode = 'synth' | 'plan' | 'check';

interface Args {
  readonly config: CliPath;
  readonly out: CliPath;
  /** Whether --config was typed as a relative path (a read failure then says which directory it was read from). */
  readonly configRelative: boolean;
  readonly mode: Mode;
}

/**
 * `npm run synth`: load platform.yaml, synthesize and check everything in memory, then replace the output directory
 * at once (or, with --plan/--check, only report). Returns the exit code; a user mistake is one clear message and
 * exit 1, never a stack trace.
 */
export function runCli(argv: readonly string[], io: CliIo = consoleIo, build: BuildOptions = {}): number {
  const timings = new PhaseTimings();
  let wrote: string | undefined; // set once the new tree is in place: an error after that must not say "nothing was written"
  let parsed: Args | undefined; // for the catch: a missing relative --config says where it was looked for
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      for (const line of HELP) io.out(line);
      return 0;
    }
    parsed = args;
    const config = timings.time('load', () => loadConfigFile(args.config.absolute, { parts: build.parts }));
    const result = synthesize(config, { ...build, timings });
    const ownership = { configFile: args.config.absolute, cwd: userDirectory(), projectDir: process.cwd() };
    const out = args.out.absolute;
    let code = 0;
    if (args.mode === 'synth') {
      const written = timings.time('write', () => writeOutput(out, result.files, ownership));
      wrote = out;
      for (const line of result.report) io.out(line);
      for (const line of written.warnings) io.out(`warning: ${line}`);
      io.out(`Platform Kit: ${result.objectCount} objects in ${result.files.filter((f) => f.objects.length > 0).length} manifest files written to ${showPath(args.out, true)} from ${showPath(args.config)}`);
    } else if (args.mode === 'plan') {
      checkOwnership(out, ownership); // --plan and --check refuse exactly what synth (writeOutput) would
      const plan = timings.time('plan', () => planChanges(readTree(currentOutputDir(out)), result.files));
      for (const line of partNotices(config, build.parts)) io.out(line);
      for (const line of renderPlan(plan, args.out.typed, { argoCd: config.gitops.enabled })) io.out(line);
      code = plan.hasChanges ? EXIT_PLAN_CHANGES : 0;
    } else {
      checkOwnership(out, ownership);
      for (const line of result.report) io.out(line);
      io.out(`Platform Kit: check passed: ${result.objectCount} objects from ${showPath(args.config)} pass every check; nothing was written.`);
    }
    const timing = timings.report();
    if (timing) io.err(timing);
    return code;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`error: ${e.message}`);
      if (parsed?.configRelative && !fs.existsSync(parsed.config.absolute)) {
        io.err(`(--config ${parsed.config.typed} was looked for in ${userDirectory()}, the directory you ran npm in: a path you type is relative to it)`);
      }
      if (wrote) io.err(`(the new output was written to ${wrote}/ before this error)`);
      return 1;
    }
    // Construct validations throw plain Errors whose message already names the prop, the value and the fix; a
    // stack trace would bury it. PLATFORM_KIT_DEBUG=1 shows the trace when it looks like a bug in Platform Kit.
    if (process.env.PLATFORM_KIT_DEBUG) throw e;
    io.err(`error: ${(e as Error).message ?? String(e)}`);
    const state = wrote ? `the new output was written to ${wrote}/ before this error` : 'nothing was written';
    io.err(`(${state}; if this looks like a bug in Platform Kit rather than in platform.yaml, run again with PLATFORM_KIT_DEBUG=1 for the stack trace)`);
    return 2;
  }
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const fail = (why: string): never => {
    throw new UserError('bad arguments', [`${why}; ${USAGE} (--help lists every flag)`]);
  };
  const flags = parseFlags(argv, { values: { '--config': 'file name', '--out': 'directory name' }, switches: ['--plan', '--check'], scripts: ['synth', 'plan', 'check'] }, fail);
  if (flags.help) return 'help';
  const modes = [...flags.switches].map((s) => (s === '--plan' ? 'plan' : 'check') as Mode);
  if (modes.length > 1) throw new UserError('bad arguments', [`--plan and --check are two different runs; pass one. ${USAGE}`]);
  // `npm run synth --check` (no `--`): npm keeps --check for itself (npm_config_check=true) and the script would write
  // dist/ although the user asked for a run that writes nothing. Refuse before anything is written.
  for (const mode of ['check', 'plan'] as const) {
    if (modes.length === 0 && process.env[`npm_config_${mode}`] === 'true') {
      throw new UserError('bad arguments', [`npm took --${mode} for itself (it needs \`--\` before the flags it should pass on), so this would have been a full synth; run \`npm run synth -- --${mode}\` or \`npm run ${mode}\`. Nothing was written`]);
    }
  }
  const typedConfig = flags.values.get('--config');
  return {
    config: cliPath(typedConfig, 'platform.yaml'),
    out: cliPath(flags.values.get('--out'), 'dist'),
    configRelative: typedConfig !== undefined && !path.isAbsolute(typedConfig),
    mode: modes[0] ?? 'synth',
  };
}
