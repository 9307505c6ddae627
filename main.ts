import { extend, extraParts } from './extend';
import { runCli } from './lib/cli';
import { platformParts } from './lib/parts';

// Entry point of `npm run synth` (compiled to build/main.js; run as plain JS for speed, not through ts-node).
process.exitCode = runCli(process.argv.slice(2), undefined, { parts: platformParts(...extraParts), extend });
