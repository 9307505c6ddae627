import { extend, extraParts } from './extend';
import { runCli } from './lib/cli';
import { platformParts } from './lib/parts';
import { runSecrets } from './lib/secrets/secrets-command';

// Entry point of `npm run synth` and `npm run secrets` (compiled to build/main.js; run as plain JS for speed).
const argv = process.argv.slice(2);
const build = { parts: platformParts(...extraParts), extend };
const io = { out: (l: string) => console.log(l), err: (l: string) => console.error(l) };
process.exitCode = argv[0] === 'secrets' ? runSecrets(argv.slice(1), io, build) : runCli(argv, io, build);
