import * as fs from 'fs';
import * as path from 'path';

/**
 * Command-line arguments of `npm run synth|plan|check|secrets`, one owner for both commands: flags, repeats, values,
 * and where a typed path points.
 *
 * npm runs every script in the package root, whatever directory the user typed the command in, and records that
 * directory in INIT_CWD. A path the user types is relative to their shell, so typed paths resolve against INIT_CWD;
 * the defaults (platform.yaml, dist) are the project's own files and resolve against the package root (process.cwd()).
 */

/** The directory the user ran the command in: INIT_CWD when npm set it, else the process's own working directory. */
export function userDirectory(): string {
  return process.env.INIT_CWD || process.cwd();
}

/** A path from the command line (or its default), with the forms messages need. */
export interface CliPath {
  /** Absolute: what is read or written. */
  readonly absolute: string;
  /** As the user typed it, without a trailing slash (`dist/` is `dist`), or the default. */
  readonly typed: string;
  /** True when a typed relative path was resolved against a directory other than the project's: messages then add the absolute path. */
  readonly elsewhere: boolean;
}

/** Resolves a typed path against the user's directory, a default against the project directory (see above). */
export function cliPath(typed: string | undefined, fallback: string): CliPath {
  const project = process.cwd();
  if (typed === undefined) return { absolute: path.resolve(project, fallback), typed: fallback, elsewhere: false };
  const base = userDirectory();
  return {
    absolute: path.resolve(base, typed),
    typed: typed.length > 1 ? typed.replace(/\/+$/, '') || typed : typed,
    elsewhere: !path.isAbsolute(typed) && path.resolve(base) !== path.resolve(project),
  };
}

/** The path for a message: as typed, plus the absolute path where that helps; `asDir` ends both with a slash. */
export function showPath(p: CliPath, asDir = false): string {
  const slash = (s: string) => (asDir && !s.endsWith('/') ? `${s}/` : s);
  return p.elsewhere ? `${slash(p.typed)} (${slash(p.absolute)})` : slash(p.typed);
}

/** What a command accepts: flags with a value (`--config FILE`: the value's noun for messages) and switches. */
export interface FlagSpec {
  readonly values: Readonly<Record<string, string>>;
  readonly switches: readonly string[];
  /** The npm scripts that run this command (the first is the default), for the "did you forget `--`" hint. */
  readonly scripts: readonly string[];
}

export interface ParsedFlags {
  readonly values: ReadonlyMap<string, string>;
  readonly switches: ReadonlySet<string>;
  readonly help: boolean;
}

/**
 * Reads every argument before deciding anything, so that the position of a mistake never matters (`-h --bogus` is
 * refused as `--bogus -h` is). Refused, each with `fail(why)`: an unknown flag, a positional argument, a value flag
 * without its value or with an empty one, and a value flag given twice (last-wins would silently drop one).
 */
export function parseFlags(argv: readonly string[], spec: FlagSpec, fail: (why: string) => never): ParsedFlags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (spec.switches.includes(arg)) {
      switches.add(arg); // a repeated switch says the same thing twice: harmless
    } else if (Object.prototype.hasOwnProperty.call(spec.values, arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) fail(`${arg} needs a value`);
      if (value === '') fail(`${arg} needs a ${spec.values[arg]}`);
      const earlier = values.get(arg);
      if (earlier !== undefined) fail(`${arg} is given twice (${earlier}, ${value}); give it once`);
      values.set(arg, value);
      i++;
    } else {
      fail(`${JSON.stringify(arg)} is not an option${forgotDashes(arg, spec)}`);
    }
  }
  return { values, switches, help };
}

/**
 * `npm run synth --config x.yaml` (no `--`): npm takes `--config` for itself and passes only `x.yaml` on. When a
 * positional argument looks like a path, say so. npm records the flag it took as npm_config_<name>=true, which
 * names the flag that was meant; otherwise a directory suggests --out (where the command has it), anything else --config.
 */
function forgotDashes(arg: string, spec: FlagSpec): string {
  if (arg.startsWith('-')) return '';
  const exists = fs.existsSync(path.resolve(userDirectory(), arg));
  if (!exists && !/\.(ya?ml|json)$/i.test(arg)) return '';
  const flags = Object.keys(spec.values);
  const taken = flags.find((f) => process.env[`npm_config_${f.slice(2)}`] === 'true');
  const isDir = exists && fs.statSync(path.resolve(userDirectory(), arg)).isDirectory();
  const flag = taken ?? (isDir && flags.includes('--out') ? '--out' : '--config');
  const event = process.env.npm_lifecycle_event;
  const script = event !== undefined && spec.scripts.includes(event) ? event : spec.scripts[0];
  return `; did you mean \`npm run ${script} -- ${flag} ${arg}\`? npm needs \`--\` before the flags it should pass on`;
}
