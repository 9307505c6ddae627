import { runCli } from '../lib/cli';

// One synth, as `npm run synth` runs it, reporting its own peak memory for the benchmark (stdout: JSON only).
const code = runCli(process.argv.slice(2), { out: () => undefined, err: (l) => process.stderr.write(`${l}\n`) });
process.stdout.write(`${JSON.stringify({ code, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
process.exitCode = code;
