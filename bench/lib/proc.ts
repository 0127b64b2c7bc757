/** Server children: bundled (src/ops/bundle.ts) and forked with plain node, with the environment and node flags of `npm start` (serverLaunch); ready when they send their port; 'rss' and 'stop' over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE_DIR, bundle, serverLaunch } from '../../src/ops/bundle.ts';
import { BENCH_DIR } from './pg.ts';

export type Child = {
  port: number;
  proc: ChildProcess;
  rss(): Promise<number>;
  /** process.memoryUsage() and V8's heap statistics of the child (after a full GC with {gc: true} and --expose-gc) */
  mem(o?: { gc?: boolean }): Promise<ChildMemory>;
  request<T>(msg: Record<string, unknown>, reply: string): Promise<T>;
  stop(): Promise<void>;
};

export type ChildMemory = { mem: NodeJS.MemoryUsage; heap: import('node:v8').HeapInfo; spaces: import('node:v8').HeapSpaceInfo[]; gc: boolean };

/** Each child file bundled once per run (as `npm start` runs the app: one JavaScript file, plain node, no tsx). */
const bundled = new Map<string, Promise<string>>();
function bundledChild(file: string): Promise<string> {
  let out = bundled.get(file);
  if (!out) {
    const target = path.join(BUNDLE_DIR, `bench-${process.pid}`, `${file.replace(/[^\w.-]+/g, '_').replace(/\.ts$/, '')}.mjs`);
    out = bundle(path.join(BENCH_DIR, 'servers', file), target).then(() => target);
    bundled.set(file, out);
    if (bundled.size === 1) process.once('exit', () => fs.rmSync(path.dirname(target), { recursive: true, force: true }));
  }
  return out;
}

/** `o.execArgv`: more node flags for the child (e.g. --expose-gc, --max-semi-space-size=…) after the bench's own. */
export async function startChild(file: string, env: Record<string, string>, timeoutMs = 60_000, o: { execArgv?: string[] } = {}): Promise<Child> {
  const launch = serverLaunch();
  const proc = fork(await bundledChild(file), [], {
    env: { ...process.env, ...launch.env, ...env },
    execArgv: [
      ...launch.flags,
      '--max-old-space-size=2048',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ...(o.execArgv ?? []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${file} did not start in ${timeoutMs} ms`)), timeoutMs);
    proc.on('message', (m: { type: string; port?: number }) => {
      if (m.type === 'ready') clearTimeout(t), resolve(m.port!);
    });
    proc.once('exit', (code) => (clearTimeout(t), reject(new Error(`${file} exited with ${code}`))));
  });
  const request = <T>(msg: Record<string, unknown>, reply: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== reply) return;
        proc.off('message', on);
        resolve(m as T);
      };
      proc.on('message', on);
      proc.send(msg);
    });
  return {
    port,
    proc,
    request,
    rss: async () => (await request<{ rss: number }>({ type: 'rss' }, 'rss')).rss,
    mem: (m = {}) => request<ChildMemory>({ type: 'mem', gc: m.gc ?? false }, 'mem'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        proc.once('exit', () => (clearTimeout(t), resolve()));
        proc.send({ type: 'stop' });
      }),
  };
}
