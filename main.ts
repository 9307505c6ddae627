import { loadConfigFile } from './lib/config/load';
import { UserError } from './lib/core/errors';
import { synthesize } from './lib/output/synth';
import { writeAtomically } from './lib/output/write';

const USAGE = 'usage: npm run synth -- [--config platform.yaml] [--out dist]';

function parseArgs(argv: string[]): { config: string; out: string } {
  const args = { config: 'platform.yaml', out: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--config' || flag === '--out') && value !== undefined && !value.startsWith('--')) {
      args[flag === '--config' ? 'config' : 'out'] = value;
      i++;
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new UserError(`bad arguments`, [`${JSON.stringify(flag)} is not understood (${flag === '--config' || flag === '--out' ? 'it needs a value' : 'unknown option'}); ${USAGE}`]);
    }
  }
  return args;
}

/** Load platform.yaml, synthesize and check everything in memory, then replace the output directory at once. */
function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfigFile(args.config);
  const result = synthesize(config);
  writeAtomically(args.out, result.files);
  console.log(`Platform Kit: ${result.objectCount} objects in ${result.files.length} files written to ${args.out}/ from ${args.config}`);
}

try {
  main();
} catch (e) {
  if (e instanceof UserError) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
