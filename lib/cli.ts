import { loadConfigFile } from './config/load';
import { UserError } from './core/errors';
import { gitopsWarnings } from './gitops/config';
import { synthesize } from './output/synth';
import { writeOutput } from './output/write';

export const USAGE = 'usage: npm run synth -- [--config platform.yaml] [--out dist]';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * `npm run synth`: load platform.yaml, synthesize and check everything in memory, then replace the output directory
 * at once. Returns the exit code; a user mistake is one clear message and exit 1, never a stack trace.
 */
export function runCli(argv: readonly string[], io: CliIo = consoleIo): number {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.out(USAGE);
      return 0;
    }
    const config = loadConfigFile(args.config);
    const result = synthesize(config);
    const written = writeOutput(args.out, result.files, { configFile: args.config });
    for (const line of result.report) io.out(line);
    for (const line of written.warnings) io.out(`warning: ${line}`);
    for (const line of gitopsWarnings(config)) io.out(line);
    io.out(`Platform Kit: ${result.objectCount} objects in ${result.files.filter((f) => f.path.endsWith('.yaml')).length} files written to ${args.out}/ from ${args.config}`);
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      io.err(`error: ${e.message}`);
      return 1;
    }
    // Construct validations throw plain Errors whose message already names the prop, the value and the fix; a
    // stack trace would bury it. PLATFORM_KIT_DEBUG=1 shows the trace when it looks like a bug in Platform Kit.
    if (process.env.PLATFORM_KIT_DEBUG) throw e;
    io.err(`error: ${(e as Error).message ?? String(e)}`);
    io.err('(nothing was written; if this looks like a bug in Platform Kit rather than in platform.yaml, run again with PLATFORM_KIT_DEBUG=1 for the stack trace)');
    return 2;
  }
}

function parseArgs(argv: readonly string[]): { config: string; out: string } | 'help' {
  const args = { config: 'platform.yaml', out: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') return 'help';
    if ((flag === '--config' || flag === '--out') && value !== undefined && !value.startsWith('--')) {
      args[flag === '--config' ? 'config' : 'out'] = value;
      i++;
    } else {
      const why = flag === '--config' || flag === '--out' ? `${flag} needs a value` : `${JSON.stringify(flag)} is not an option`;
      throw new UserError('bad arguments', [`${why}; ${USAGE}`]);
    }
  }
  return args;
}
