import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../lib/core/paths';

/**
 * `npm run bench`: median wall time and peak memory of a whole synth process (node start, config load, synth, all
 * checks, atomic write) for the default platform and for a generated 200-tenant platform. Prints figures; it never
 * fails on them — targets are for people to read (README), not for tests to assert.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGETS: Record<string, number> = { 'default platform': 1000, '200 tenants': 3000 };

/** The default platform with its tenants (dwayne and demo, which MySQL and the app use) plus generated ones. */
function generatedConfig(tenants: number): string {
  const base = fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8');
  const extra = Array.from({ length: tenants - 2 }, (_, i) => `  - name: tenant-${String(i).padStart(3, '0')}\n`).join('');
  const list = `  - name: dwayne\n  - name: demo\n${extra}`;
  // Replace the tenants section (everything from `tenants:` to the next top-level key) with the generated list.
  return base.replace(/^tenants:\n(?:(?: .*|)\n)*/m, `tenants:\n${list}\n`);
}

function measure(label: string, config: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-bench-'));
  const configFile = path.join(dir, 'platform.yaml');
  fs.writeFileSync(configFile, config);
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'build', 'bench', 'measure-once.js'), '--config', configFile, '--out', path.join(dir, 'dist')], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (run.status !== 0) {
      console.error(`${label}: synth failed\n${run.stderr}`);
      process.exit(1);
    }
    times.push(ms);
    peak = Math.max(peak, JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}').maxRssKiB ?? 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const files = fs.readdirSync(path.join(dir, 'dist'), { recursive: true }).length;
  console.log(`${label.padEnd(18)} median ${median.toFixed(0).padStart(5)} ms  (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}, ${RUNS} runs)  peak RSS ${(peak / 1024).toFixed(0)} MiB  target <= ${TARGETS[label]} ms  ${median <= TARGETS[label] ? 'ok' : 'OVER TARGET'}  [${files} paths in dist]`);
  fs.rmSync(dir, { recursive: true, force: true });
}

console.log(`Platform Kit synth benchmark on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
measure('default platform', fs.readFileSync(path.join(PROJECT_ROOT, 'platform.yaml'), 'utf8'));
measure('200 tenants', generatedConfig(200));
