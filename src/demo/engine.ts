/**
 * A discrete-event simulation over the product's own commands: processes (async functions) wait for
 * simulated instants with `until`, and the engine wakes them one at a time in time order with the
 * settable clock set to that instant — so every event row, deadline and warning carries the time real
 * use would give it. Before each wake the scheduled jobs catch up as their cron lines would have run:
 * the SLA sweep at each warning mark's minute, the SMS outbox every few minutes. A process whose next
 * instant lies after the end is simply never woken again: what it was waiting for is the open work the
 * history ends with.
 */
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { rowsOf } from '../domain/tickets/queries.ts';
import { sweep } from '../domain/sla/sweep.ts';
import { deliver } from '../domain/notifications/delivery.ts';
import { smsGatewayFor } from '../adapters/sms-gateway.ts';
import type { fixedClock } from '../domain/clock.ts';

const MINUTE = 60_000;
/** How long queued SMS wait for delivery in simulated time (the real job runs every minute; sent times differ by at most this). */
const DELIVER_EVERY_MS = 4 * 60 * MINUTE;

type Entry = { at: number; seq: number; wake: () => void };

/** A binary min-heap on (at, seq): equal instants wake in the order they were scheduled. */
class Agenda {
  private items: Entry[] = [];
  get size() {
    return this.items.length;
  }
  private less(a: Entry, b: Entry) {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }
  push(e: Entry) {
    const h = this.items;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  peek(): Entry | undefined {
    return this.items[0];
  }
  pop(): Entry | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

export type Failure = { process: string; error: string };

/** Time spent per kind of step (commands by name, the jobs, reads), for the report's benchmark line. */
export class Timings {
  readonly by = new Map<string, { n: number; ms: number }>();
  async time<T>(label: string, p: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await p();
    } finally {
      const e = this.by.get(label) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += performance.now() - t0;
      this.by.set(label, e);
    }
  }
  /** The heaviest first, rounded: { label: [count, ms] } */
  summary(): Record<string, [number, number]> {
    return Object.fromEntries([...this.by].sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => [k, [v.n, Math.round(v.ms)]]));
  }
}

export type SimDeps = Deps & { clock: ReturnType<typeof fixedClock> };

export class Sim {
  private agenda = new Agenda();
  private seq = 0;
  /** Resolves the engine's wait when the running process parks (until) or ends. */
  private parked: (() => void) | null = null;
  /** The earliest warning mark as last read, and whether a command since may have added an earlier one */
  private nextMark: number | null = null;
  private marksStale = true;
  /** When the first message since the last delivery was queued (null: none waiting) */
  private queuedSince: number | null = null;
  private gateway;
  readonly failures: Failure[] = [];
  readonly timings = new Timings();
  /** Commands and jobs run, for the report */
  sweeps = 0;
  time: number;

  constructor(
    private deps: SimDeps,
    start: number,
    readonly end: number,
  ) {
    this.time = start;
    this.gateway = smsGatewayFor(deps.config);
  }

  /** Starts `fn` as a process at `at` (never before the current instant). */
  spawn(at: number, name: string, fn: () => Promise<void>): void {
    this.agenda.push({
      at: Math.max(at, this.time),
      seq: this.seq++,
      wake: () => {
        fn()
          .catch((err: unknown) => {
            const e = err as { code?: string; message?: string };
            this.failures.push({ process: name, error: e?.code ?? e?.message ?? String(err) });
            this.deps.logger.debug({ err, process: name }, 'demo history: a step failed');
          })
          .finally(() => this.parked?.());
      },
    });
  }

  /** Parks the running process until `at` (at least the current instant). */
  until(at: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.agenda.push({ at: Math.max(at, this.time), seq: this.seq++, wake: resolve });
      this.parked?.();
    });
  }

  async run(): Promise<void> {
    for (;;) {
      const next = this.agenda.peek();
      if (!next || next.at > this.end) break;
      this.agenda.pop();
      await this.catchUp(next.at);
      this.time = next.at;
      this.deps.clock.set(new Date(next.at));
      await new Promise<void>((resolve) => {
        this.parked = resolve;
        next.wake();
      });
      this.parked = null;
    }
    await this.catchUp(this.end);
    this.time = this.end;
    this.deps.clock.set(new Date(this.end));
  }

  /**
   * A command may have set new warning marks (a dispatch, a resumed or restarted clock): the next catch-up
   * reads the earliest mark again. Other commands only remove marks, which at worst costs a sweep with nothing to fire.
   */
  marksMayHaveMoved() {
    this.marksStale = true;
  }
  /** A command queued SMS messages: the outbox is delivered within the hour (in batches, as a busy outbox is). */
  messagesQueued() {
    this.queuedSince ??= this.time;
  }

  /** The jobs, up to `t`: the sweep at every minute a warning mark falls due, then the outbox. */
  private async catchUp(t: number) {
    if (!this.marksStale && (this.nextMark === null || this.nextMark > t)) return this.deliverUpTo(t);
    let previous = -1;
    for (;;) {
      const [row] = await this.timings.time('jobs: next mark', async () =>
        rowsOf<{ m: string | Date | null }>(await this.deps.db.execute(sql`select min(next_check_at) as m from assignments where next_check_at is not null`)),
      );
      this.marksStale = false;
      this.nextMark = row?.m ? new Date(row.m).getTime() : null;
      if (this.nextMark === null) break;
      const due = this.nextMark;
      if (due > t || due === previous) break; // nothing due, or a mark the sweep would not move (never loop)
      previous = due;
      // The cron line runs every minute: a mark fires at the next whole minute (never before the present).
      const at = Math.min(t, Math.max(this.time, Math.ceil(due / MINUTE) * MINUTE));
      this.time = at;
      this.deps.clock.set(new Date(at));
      await this.timings.time('jobs: sla sweep', () => sweep(this.deps, new Date(at)));
      this.sweeps++;
    }
    await this.deliverUpTo(t);
  }

  private async deliverUpTo(t: number) {
    if (this.queuedSince === null || t - this.queuedSince < DELIVER_EVERY_MS) return;
    this.deps.clock.set(new Date(t));
    await this.timings.time('jobs: sms outbox', () => deliver(this.deps, new Date(t), { batchSize: 200, gateway: this.gateway }));
    this.queuedSince = null;
  }
}
