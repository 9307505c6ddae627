import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from '../lib/core/paths';
import { benchConfig } from './bench-config';

/**
 * `npm run bench`: the wall time and peak memory of exactly what a user types, `npm run synth -- --config F --out D`,
 * as a whole process (npm, node start, the launcher's compile check, load, build, checks, write), median of
 * BENCH_RUNS runs, with the per-phase split the synth reports under PLATFORM_KIT_TIMINGS=json. The configs are
 * generated from bench/base-platform.yaml, never from the user's platform.yaml. It prints figures beside their targets
 * and never fails on time: targets are for people to read, not for CI to trip over on a busy machine.
 */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const NPM = process.env.npm_execpath; // set when run through npm: the same npm the user runs

interface Case {
  readonly label: string;
  readonly tenants: number;
  readonly target: string;
  readonly targetMs: number;
  readonly targetMiB?: number;
  /** Make one compiled file stale before each run, as saving one .ts file does. */
  readonly afterEdit?: boolean;
}

const CASES: Case[] = [
  { label: 'default platform', tenants: 0, target: '≤ 1.0 s (issue 10)', targetMs: 1000 },
  { label: 'after editing one .ts file', tenants: 0, target: '≤ 2.5 s (issue 10)', targetMs: 2500, afterEdit: true },
  { label: '200 tenants', tenants: 200, target: '≤ 1.5 s (issue 16)', targetMs: 1500 },
  { label: '1,000 tenants', tenants: 1000, target: '≤ 5 s, ≤ 400 MiB (issue 16)', targetMs: 5000, targetMiB: 400 },
];

interface Run {
  readonly ms: number;
  readonly objects: number;
  readonly phases: Record<string, number>;
}

function synthOnce(configFile: string, out: string, afterEdit: boolean): Run {
  if (afterEdit) {
    // Older JavaScript than its source is what the launcher recompiles: the same as an edit, without touching lib/.
    const js = path.join(PROJECT_ROOT, 'build', 'lib', 'output', 'layout.js');
    if (fs.existsSync(js)) fs.utimesSync(js, new Date(0), new Date(0));
  }
  const args = ['run', 'synth', '--', '--config', configFile, '--out', out];
  const env = { ...process.env, PLATFORM_KIT_TIMINGS: 'json' };
  const start = process.hrtime.bigint();
  const run = NPM
    ? spawnSync(process.execPath, [NPM, ...args], { cwd: PROJECT_ROOT, env, encoding: 'utf8' })
    : spawnSync('npm', args, { cwd: PROJECT_ROOT, env, encoding: 'utf8', shell: process.platform === 'win32' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) {
    console.error(`synth failed on the bench's built-in config (a bug in Platform Kit, not in your platform.yaml):\n${run.stderr}`);
    process.exit(1);
  }
  const timing = run.stderr.split('\n').find((l) => l.startsWith('platform-kit-timings '));
  const objects = Number(/Platform Kit: (\d+) objects/.exec(run.stdout)?.[1] ?? NaN);
  return { ms, objects, phases: timing ? JSON.parse(timing.slice('platform-kit-timings '.length)) : {} };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function measure(c: Case, dir: string): string {
  const configFile = path.join(dir, `platform-${c.tenants}.yaml`);
  fs.writeFileSync(configFile, benchConfig(c.tenants));
  const runs = Array.from({ length: RUNS }, () => synthOnce(configFile, path.join(dir, 'dist'), c.afterEdit ?? false));
  const wall = median(runs.map((r) => r.ms));
  const rss = Math.max(...runs.map((r) => r.phases.peakRssMiB ?? 0));
  const phase = (name: string) => median(runs.map((r) => r.phases[name] ?? 0));
  const within = wall <= c.targetMs && (c.targetMiB === undefined || rss <= c.targetMiB);
  const split = ['start', 'compile', 'load', 'build', 'checks', 'render', 'write'].map((p) => `${p} ${phase(p)}`).join(', ');
  return [
    `${c.label.padEnd(27)} ${String(runs[0].objects).padStart(6)}  ${seconds(wall).padStart(7)}  ${seconds(Math.min(...runs.map((r) => r.ms))).padStart(7)}  ${seconds(phase('cpu')).padStart(7)}  ${`${rss} MiB`.padStart(8)}  ${c.target.padEnd(28)} ${within ? 'ok' : 'OVER'}`,
    `${''.padEnd(27)} phases (ms, median): ${split}`,
  ].join('\n');
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-kit-bench-'));
  try {
    console.log(`Platform Kit bench: \`npm run synth -- --config <generated> --out <tmp>\`, whole process, median of ${RUNS} run${RUNS === 1 ? '' : 's'}`);
    console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} (figures are wall time: a busy machine makes them slower; cpu is the synth's own CPU time)`);
    console.log(`${'case'.padEnd(27)} ${'objects'.padStart(6)}  ${'median'.padStart(7)}  ${'min'.padStart(7)}  ${'cpu'.padStart(7)}  ${'peak RSS'.padStart(8)}  ${'target'.padEnd(28)}`);
    for (const c of CASES) console.log(measure(c, dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
