import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq, inArray } from 'drizzle-orm';
import { connect, type Database } from '../../db/client.ts';
import { notifications } from '../../db/schema/index.ts';
import { driver, freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { RecordingGateway, type SendResult, type SmsGateway } from '../../src/adapters/sms-gateway.ts';
import { enqueueNotification } from '../../src/domain/notifications/outbox.ts';
import { BACKOFF_MS, LEASE_MS, deliver } from '../../src/domain/notifications/delivery.ts';
import { notifyJob } from '../../src/jobs/notify.ts';

const T0 = new Date('2026-03-10T02:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let database: Database & { url?: string };
let deps: TestDeps;

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, { NOTIFY_MAX_ATTEMPTS: 3 });
});
afterAll(async () => {
  await database?.close();
});
// Each test starts from an empty outbox and its own messages.
beforeEach(async () => {
  await deps.db.delete(notifications);
  deps.clock.set(T0);
});

/** The one allowed fake: the SMS gateway, a true external. Answers from a script and records each send. */
class FakeGateway implements SmsGateway {
  readonly name = 'fake';
  sent: { to: string; body: string }[] = [];
  constructor(private answer: (to: string, body: string, nth: number) => SendResult | Promise<SendResult> = () => ({ ok: true, id: 'x' })) {}
  async send(to: string, body: string): Promise<SendResult> {
    this.sent.push({ to, body });
    return this.answer(to, body, this.sent.length);
  }
}

let serial = 0;
/** n pending messages, each to a number of its own (so a recipient names one message). */
async function queue(n: number, opts: { nextAttemptAt?: Date } = {}): Promise<number[]> {
  for (let i = 0; i < n; i++) {
    await enqueueNotification(deps.db, {
      ticketId: null,
      audience: 'unit',
      recipient: `139${String(++serial).padStart(8, '0')}`,
      template: 'no_such_template',
      params: {},
    });
  }
  const rows = await deps.db.select({ id: notifications.id }).from(notifications).orderBy(asc(notifications.id));
  const ids = rows.slice(-n).map((r) => r.id);
  if (opts.nextAttemptAt) await deps.db.update(notifications).set({ nextAttemptAt: opts.nextAttemptAt }).where(inArray(notifications.id, ids));
  return ids;
}
const rows = () => deps.db.select().from(notifications).orderBy(asc(notifications.id));

describe('deliver', () => {
  it('with the recording gateway, marks every due message sent, batch after batch, and leaves later ones alone', async () => {
    await queue(5, { nextAttemptAt: T0 });
    const [later] = await queue(1, { nextAttemptAt: at(60_000) });
    const report = await deliver(deps, T0, { batchSize: 2, gateway: new RecordingGateway() });
    expect(report).toEqual({ sent: 5, retrying: 0, failed: 0 });
    const all = await rows();
    expect(all.filter((r) => r.id !== later).map((r) => [r.status, r.attempts, r.sentAt?.toISOString(), r.lastError])).toEqual(
      Array.from({ length: 5 }, () => ['sent', 1, T0.toISOString(), null]),
    );
    expect(all.find((r) => r.id === later)).toMatchObject({ status: 'pending', attempts: 0 });
    // Nothing is due any more: a second run sends nothing.
    expect(await deliver(deps, T0, { batchSize: 2, gateway: new RecordingGateway() })).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it('retries a retryable failure after a back-off, then fails it after the last allowed attempt', async () => {
    const [id] = await queue(1, { nextAttemptAt: T0 });
    const gw = new FakeGateway(() => ({ ok: false, error: 'gateway timeout', retryable: true }));
    const opts = { batchSize: 10, gateway: gw };
    const one = async () => (await deps.db.select().from(notifications).where(eq(notifications.id, id!)))[0]!;

    expect(await deliver(deps, T0, opts)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect(await one()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'gateway timeout', nextAttemptAt: at(BACKOFF_MS[0]) });

    // Not yet due: no second attempt before the back-off has passed.
    expect(await deliver(deps, at(BACKOFF_MS[0] - 1), opts)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(gw.sent).toHaveLength(1);

    const t2 = at(BACKOFF_MS[0]);
    expect(await deliver(deps, t2, opts)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    expect(await one()).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: new Date(t2.getTime() + BACKOFF_MS[1]) });

    // NOTIFY_MAX_ATTEMPTS is 3 here: the third failure is the last.
    const t3 = new Date(t2.getTime() + BACKOFF_MS[1]);
    expect(await deliver(deps, t3, opts)).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(await one()).toMatchObject({ status: 'failed', attempts: 3, lastError: 'gateway timeout', sentAt: null });

    expect(await deliver(deps, at(24 * 3600_000), opts)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(gw.sent).toHaveLength(3);
  });

  it('a retry that succeeds is sent; a permanent refusal fails at once; a gateway that throws is retried', async () => {
    const [flaky, refused, throwing] = await queue(3, { nextAttemptAt: T0 });
    const recipients = Object.fromEntries((await rows()).map((r) => [r.recipient, r.id]));
    let thrown = false;
    const gw = new FakeGateway((to) => {
      const id = recipients[to];
      if (id === refused) return { ok: false, error: 'invalid number', retryable: false };
      if (id === throwing && !thrown) {
        thrown = true;
        throw new Error('socket hang up');
      }
      if (id === flaky && gw.sent.filter((s) => s.to === to).length === 1) return { ok: false, error: 'busy', retryable: true };
      return { ok: true, id: `m-${id}` };
    });
    expect(await deliver(deps, T0, { batchSize: 10, gateway: gw })).toEqual({ sent: 0, retrying: 2, failed: 1 });
    const byId = async () => Object.fromEntries((await rows()).map((r) => [r.id, r]));
    let now = await byId();
    expect(now[refused!]).toMatchObject({ status: 'failed', attempts: 1, lastError: 'invalid number' });
    expect(now[throwing!]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'socket hang up' });

    expect(await deliver(deps, at(BACKOFF_MS[0]), { batchSize: 10, gateway: gw })).toEqual({ sent: 2, retrying: 0, failed: 0 });
    now = await byId();
    expect(now[flaky!]).toMatchObject({ status: 'sent', attempts: 2, lastError: null, sentAt: at(BACKOFF_MS[0]) });
    expect(now[throwing!]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('the scheduled job delivers through the configured gateway (SMS_GATEWAY=record by default)', async () => {
    expect(notifyJob.cron).toBe('* * * * *');
    await queue(3, { nextAttemptAt: T0 });
    expect(deps.config.SMS_GATEWAY).toBe('record');
    expect(await notifyJob.run(deps, T0)).toEqual({ sent: 3, retrying: 0, failed: 0 });
    expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

/** PostgreSQL: rows another instance holds locked are skipped, neither waited for nor taken. */
async function heldRowsAreSkipped() {
  const [held, free] = await queue(2, { nextAttemptAt: T0 });
  // Another instance is in the middle of claiming `held`: its transaction holds the row lock.
  const other = await connect({ url: database.url!, max: 1 });
  try {
    await other.db.transaction(async (tx) => {
      await tx.select().from(notifications).where(eq(notifications.id, held!)).for('update');
      const gw = new FakeGateway();
      // Not blocked by the lock, and only the free row was taken.
      expect(await deliver(deps, T0, { batchSize: 10, gateway: gw })).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(gw.sent.map((s) => s.to)).toEqual([(await rows()).find((r) => r.id === free)!.recipient]);
      // The other instance completes its claim before letting go.
      await tx
        .update(notifications)
        .set({ attempts: 1, nextAttemptAt: at(LEASE_MS) })
        .where(eq(notifications.id, held!));
    });
  } finally {
    await other.close();
  }
  expect(await deliver(deps, T0, { batchSize: 10, gateway: new FakeGateway() })).toEqual({ sent: 0, retrying: 0, failed: 0 });
}

describe('exactly once', () => {
  const okGateway = (id: string) =>
    new FakeGateway(async () => {
      await Promise.resolve();
      return { ok: true, id };
    });

  it(`never sends a message twice, with several deliverers (${driver === 'postgres' ? 'concurrent, and skipping rows another holds, on PostgreSQL' : 'one after the other: PGlite is a single session'})`, async () => {
    const gateways = [okGateway('a'), okGateway('b'), okGateway('c')];
    const ids: number[] = [];
    if (driver === 'postgres') {
      // Two more app instances: each its own connection pool to the same database.
      const others = await Promise.all([connect({ url: database.url!, max: 3 }), connect({ url: database.url!, max: 3 })]);
      try {
        const instances = [deps, ...others.map((o) => makeDeps(o, { NOTIFY_MAX_ATTEMPTS: 3 }))];
        // Several rounds at the same instant, small batches: many chances for the claims to collide.
        for (let round = 0; round < 8; round++) {
          ids.push(...(await queue(30, { nextAttemptAt: T0 })));
          const reports = await Promise.all(instances.map((d, i) => deliver(d, T0, { batchSize: 2, gateway: gateways[i]!, maxBatches: 100 })));
          expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(30);
        }
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    } else {
      ids.push(...(await queue(60, { nextAttemptAt: T0 })));
      const reports = [];
      for (const g of gateways) reports.push(await deliver(deps, T0, { batchSize: 5, gateway: g, maxBatches: 100 }));
      expect(reports.map((r) => r.sent)).toEqual([60, 0, 0]);
    }
    const sent = gateways.flatMap((g) => g.sent.map((s) => s.to));
    expect(sent).toHaveLength(ids.length);
    expect(new Set(sent).size).toBe(ids.length);
    const all = await rows();
    expect(all.map((r) => r.id)).toEqual(ids);
    expect(all.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    if (driver === 'postgres') await heldRowsAreSkipped();
  });

  it('a message claimed by one deliverer is not sent by another while the first is still sending (the lease)', async () => {
    await queue(3, { nextAttemptAt: T0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let claimedSignal!: () => void;
    const claimed = new Promise<void>((r) => (claimedSignal = r));
    const slow = new FakeGateway(async () => {
      claimedSignal();
      await gate; // the first instance is stuck talking to the gateway
      return { ok: true, id: 'slow' };
    });
    const fast = new FakeGateway();
    const first = deliver(deps, T0, { batchSize: 10, gateway: slow });
    await claimed;
    // Meanwhile, at the same instant and a minute later (the next cron tick), another run finds nothing to send.
    expect(await deliver(deps, T0, { batchSize: 10, gateway: fast })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await deliver(deps, at(60_000), { batchSize: 10, gateway: fast })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    release();
    expect(await first).toEqual({ sent: 3, retrying: 0, failed: 0 });
    expect(fast.sent).toEqual([]);
    expect((await rows()).map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('a claim whose deliverer died is taken up again once its lease has passed', async () => {
    const [id] = await queue(1, { nextAttemptAt: T0 });
    // A deliverer claimed it and then vanished (crash between claim and result).
    await deps.db
      .update(notifications)
      .set({ attempts: 1, nextAttemptAt: at(LEASE_MS) })
      .where(eq(notifications.id, id!));
    const gw = new FakeGateway();
    expect(await deliver(deps, at(LEASE_MS - 1), { batchSize: 10, gateway: gw })).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await deliver(deps, at(LEASE_MS), { batchSize: 10, gateway: gw })).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
