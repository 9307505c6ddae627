import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

/** A free TCP port on 127.0.0.1 (the only address the cluster tier ever listens on or contacts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion and returns its exit code and output; never throws for a non-zero exit. */
export function run(file: string, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { maxBuffer: 256 * 1024 * 1024, env: options.env ?? process.env, cwd: options.cwd, timeout: options.timeoutMs ?? 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as any).code === 'number' ? (error as any).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * Long-running programs, each in its own process group with its output in a log file, so that `stopAll` ends them
 * and everything they started. Stops them on exit and on SIGINT/SIGTERM too, and a watchdog does it if this process
 * dies without running any handler: a cut-off run leaves nothing behind.
 */
export class Processes {
  private readonly children: Array<{ name: string; child: ChildProcess; log: string }> = [];
  private readonly onSignal = (signal: NodeJS.Signals) => { this.killAll('SIGKILL'); process.exit(signal === 'SIGINT' ? 130 : 143); };
  private readonly onExit = () => this.killAll('SIGKILL');

  private readonly groupsFile: string;
  private readonly watchdog: ChildProcess;

  constructor(private readonly logDir: string) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
    process.once('exit', this.onExit);
    // Even a SIGKILLed test run (no handler runs) must not leave a control plane behind: a watchdog polls this
    // process and, once it is gone, kills every process group listed in groupsFile and removes the directory.
    this.groupsFile = `${logDir}/process-groups`;
    fs.writeFileSync(this.groupsFile, '');
    this.watchdog = spawn('/bin/sh', ['-c',
      'while kill -0 "$1" 2>/dev/null; do sleep 2; done; for g in $(cat "$2" 2>/dev/null); do kill -KILL -"$g" 2>/dev/null; done; [ -z "$3" ] || rm -rf "$3"',
      'platform-kit-watchdog', String(process.pid), this.groupsFile, process.env.PLATFORM_KIT_KEEP_CLUSTER_DIR === '1' ? '' : logDir,
    ], { detached: true, stdio: 'ignore' });
    this.watchdog.unref();
  }

  start(name: string, file: string, args: readonly string[]): ChildProcess {
    const log = `${this.logDir}/${name}.log`;
    const fd = fs.openSync(log, 'a');
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    this.children.push({ name, child, log });
    if (child.pid !== undefined) fs.appendFileSync(this.groupsFile, `${child.pid}\n`);
    return child;
  }

  /** The last lines a program wrote, for a failure message. */
  tail(name: string, lines = 30): string {
    const entry = this.children.find((c) => c.name === name);
    if (!entry || !fs.existsSync(entry.log)) return '';
    return fs.readFileSync(entry.log, 'utf8').split('\n').slice(-lines).join('\n');
  }

  /** Names of programs that have exited although nobody stopped them. */
  exited(): string[] {
    return this.children.filter((c) => c.child.exitCode !== null || c.child.signalCode !== null).map((c) => c.name);
  }

  /** SIGTERM to every process group, in reverse start order; SIGKILL to what is left after `graceMs`. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.killAll('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.children.some((c) => c.child.exitCode === null && c.child.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.killAll('SIGKILL');
    if (this.watchdog.pid !== undefined) { try { process.kill(this.watchdog.pid, 'SIGKILL'); } catch { /* already gone */ } }
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    process.removeListener('exit', this.onExit);
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const { child } of [...this.children].reverse()) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      try { process.kill(-child.pid, signal); } catch { /* already gone */ }
    }
  }
}
