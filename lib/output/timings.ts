import { performance } from 'perf_hooks';

/**
 * Light wall-clock timing of the synth phases, for `npm run bench` and for placing a regression. Off unless
 * PLATFORM_KIT_TIMINGS is set (`1`: one readable line on stderr; `json`: one JSON line, which the bench reads).
 */
export class PhaseTimings {
  /** Node start, module loading and the launcher's staleness check, up to the first phase. */
  public readonly startMs = performance.now();
  private readonly phases = new Map<string, number>();

  time<T>(phase: string, run: () => T): T {
    const begin = performance.now();
    try {
      return run();
    } finally {
      this.phases.set(phase, (this.phases.get(phase) ?? 0) + performance.now() - begin);
    }
  }

  /** The phases in order, with the start-up time first and the total last, in milliseconds. */
  toJSON(): Record<string, number> {
    const round = (ms: number) => Math.round(ms);
    const result: Record<string, number> = { start: round(this.startMs) };
    const compile = Number(process.env.PLATFORM_KIT_COMPILE_MS);
    if (Number.isFinite(compile)) result.compile = round(compile);
    for (const [phase, ms] of this.phases) result[phase] = round(ms);
    result.total = round(performance.now());
    // CPU time of this process: on a busy machine the wall time includes waiting for a core, CPU time does not.
    const cpu = process.cpuUsage();
    result.cpu = round((cpu.user + cpu.system) / 1000);
    result.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    return result;
  }

  /** The line to print, or undefined when timing is off. */
  report(mode = process.env.PLATFORM_KIT_TIMINGS): string | undefined {
    if (!mode || mode === '0') return undefined;
    const data = this.toJSON();
    if (mode === 'json') return `platform-kit-timings ${JSON.stringify(data)}`;
    return `timings: ${Object.entries(data).map(([k, v]) => (k === 'peakRssMiB' ? `peak RSS ${v} MiB` : `${k} ${v} ms`)).join(', ')}`;
  }
}
