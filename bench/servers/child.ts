/**
 * The child side of bench/lib/proc.ts: tells the parent its port ('ready'), answers 'rss' and 'cpu',
 * stops on 'stop', and hands any other message to the server's own handler. 'mem' answers the process's memory
 * (process.memoryUsage, V8's heap and heap-space statistics), after a full GC when asked ({gc: true}) and the
 * child runs with --expose-gc.
 */
import type http from 'node:http';
import v8 from 'node:v8';

export type ParentMessage = { type: string; ticketId?: number; version?: number; gc?: boolean };

export function serveParent(
  target: http.Server | number,
  // biome-ignore lint/suspicious/noConfusingVoidType: stop and on may be synchronous and return nothing
  o: { stop: () => Promise<unknown> | void; rss?: () => Record<string, unknown>; on?: (m: ParentMessage) => Promise<void> | void },
) {
  process.on('message', async (m: ParentMessage) => {
    if (m.type === 'rss') process.send!({ type: 'rss', rss: process.memoryUsage().rss, ...o.rss?.() });
    else if (m.type === 'cpu') process.send!({ type: 'cpu', cpu: process.cpuUsage() });
    else if (m.type === 'mem') {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (m.gc && gc) gc();
      process.send!({ type: 'mem', mem: process.memoryUsage(), heap: v8.getHeapStatistics(), spaces: v8.getHeapSpaceStatistics(), gc: Boolean(m.gc && gc) });
    } else if (m.type === 'stop') {
      await o.stop();
      process.exit(0);
    } else await o.on?.(m);
  });
  const ready = (port: number) => process.send!({ type: 'ready', port });
  if (typeof target === 'number') return ready(target);
  target.listen(0, '127.0.0.1', () => {
    const addr = target.address();
    ready(typeof addr === 'object' && addr ? addr.port : 0);
  });
}
