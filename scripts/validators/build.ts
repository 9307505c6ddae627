import { execFileSync } from 'child_process';
import { buildTool, VALIDATOR_TOOLS } from './tools';

// First step of `npm run test:validators`: builds every validator whose pinned version is not cached yet.
try {
  execFileSync('go', ['version'], { stdio: 'ignore' });
} catch {
  console.error('validators: Go is not installed; this tier needs Go 1.26 (npm test does not)');
  process.exit(1);
}
const started = Date.now();
let built = 0;
for (const tool of VALIDATOR_TOOLS) built += buildTool(tool) > 0 ? 1 : 0;
console.log(`validators: ${built} built, ${VALIDATOR_TOOLS.length - built} cached, ${Math.round((Date.now() - started) / 1000)}s`);
