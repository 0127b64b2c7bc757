/**
 * PIPL retention: the job anonymises the caller's data of exactly the tickets closed before the cut-off
 * (PII_RETENTION_DAYS before the run), once; figures, categories, addresses and texts stay (numbers typed into
 * the texts masked); open tickets and younger closed ones are not touched; one event per ticket, one audit row
 * per run; 0 days turns it off.
 */
import { describe, expect, it } from 'vitest';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { auditLog, contacts, metricsDaily, notifications, ticketEvents, tickets } from '../../db/schema/index.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { blindIndex } from '../../src/domain/privacy/keyring.ts';
import { RETENTION_LOCK_KEY } from '../../src/domain/privacy/retention.ts';
import { runPiiRetention } from '../../src/jobs/privacy.ts';
import { driver } from '../setup/db.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import { callBody } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const DAY = 86_400_000;
const at = (days: number) => new Date(Date.parse(T0) + days * DAY);
useApiWorld({ now: T0, config: { PII_RETENTION_DAYS: 1095 } });

let seq = 0;
/** A ticket of its own caller, with a number typed into the demand and into the unit's reply, closed at `closeDay` (null: left open). */
async function ticketClosedOn(closeDay: number | null): Promise<{ view: View; phone: string; other: string }> {
  deps.clock.set(T0);
  const phone = `1390000${String(++seq).padStart(4, '0')}`;
  const other = `0531-8888${String(seq).padStart(4, '0')}`;
  let v = await flow.ok(
    w.operator,
    'POST',
    '/api/tickets',
    callBody(w.category.id, { content: `噪音扰民，物业电话 ${other}，请回电 ${phone}`, caller: { name: '张女士', phone } }),
  );
  v = await flow.ticket(w.dispatcher, v, 'dispatch', { leadUnitId: w.units.streetA.id });
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
  if (closeDay === null) return { view: v, phone, other };
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: `已致电 ${phone} 告知：夜间施工已停止。` });
  v = await flow.ticket(w.dispatcher, v, 'reply/approve');
  deps.clock.set(at(closeDay));
  v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
  expect(v.status).toBe('closed');
  return { view: v, phone, other };
}

const row = async (id: number) => (await deps.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
const eventsOf = async (id: number, type = 'caller_data_anonymised') =>
  deps.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.type, type as 'caller_data_anonymised')))
    .orderBy(asc(ticketEvents.id));
const metrics = async () => {
  await rollup(deps, deps.clock.now());
  return deps.db.select().from(metricsDaily).orderBy(asc(metricsDaily.day), asc(metricsDaily.unitId), asc(metricsDaily.channel));
};

describe('the retention job', () => {
  it('anonymises exactly the tickets closed before the cut-off, keeps the figures and texts (numbers masked), once', async () => {
    const old = await ticketClosedOn(0);
    const young = await ticketClosedOn(10);
    const open = await ticketClosedOn(null);
    const before = await row(old.view.id);
    expect(before.callerPhoneIndex).toBe(blindIndex('phone', old.phone));
    const figures = await metrics();
    expect(figures.length).toBeGreaterThan(0);

    // The cut-off falls between the two closes: 1095 days before a run 5 days past the old one's third anniversary.
    const now = at(1095 + 5);
    deps.clock.set(now);
    const r = await runPiiRetention(deps, now);
    expect(r).toMatchObject({ tickets: 1, skipped: false, cutoff: at(5).toISOString() });
    expect(r.contacts).toBeGreaterThanOrEqual(1);
    expect(r.notifications).toBeGreaterThanOrEqual(1); // the intake receipt and the reply notice

    const t = await row(old.view.id);
    expect(t).toMatchObject({
      callerName: null,
      callerPhone: null,
      callerPhoneIndex: null,
      callerNameIndex: null,
      callerPhoneLast4: null,
      status: 'closed',
      categoryId: before.categoryId,
      address: before.address,
      streetUnitId: before.streetUnitId,
      closedAt: before.closedAt,
      version: before.version + 1,
    });
    expect(t.callerAnonymisedAt?.toISOString()).toBe(now.toISOString());
    expect(t.content).toBe('噪音扰民，物业电话 ****，请回电 ****');
    expect(t.publicReply).toBe('已致电 **** 告知：夜间施工已停止。');
    expect(t.searchTerms).not.toContain(old.phone);
    const c = await deps.db.select().from(contacts).where(eq(contacts.ticketId, old.view.id));
    expect(c.map((x) => [x.callerName, x.callerPhone, x.callerPhoneIndex, x.content])).toEqual([[null, null, null, t.content]]);
    const sms = await deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.ticketId, old.view.id), eq(notifications.audience, 'citizen')));
    expect(sms.length).toBeGreaterThanOrEqual(2);
    for (const n of sms) {
      expect(n.recipient).toBe('');
      expect(n.body).not.toContain(old.phone);
    }
    // The unit's reply event no longer carries the number either.
    const reply = (await eventsOf(old.view.id, 'reply'))[0]!;
    expect(JSON.stringify(reply.payload)).not.toContain(old.phone);
    expect(reply.payload).toMatchObject({ content: '已致电 **** 告知：夜间施工已停止。' });
    const ev = await eventsOf(old.view.id);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ payload: { reason: 'retention', contacts: 1 }, actorId: null, fromStatus: 'closed', toStatus: 'closed', version: t.version });

    // Younger closed and open tickets keep everything.
    for (const kept of [young, open]) {
      const k = await row(kept.view.id);
      expect(k).toMatchObject({ callerName: '张女士', callerPhone: kept.phone, callerPhoneLast4: kept.phone.slice(-4), callerAnonymisedAt: null });
      expect(k.callerPhoneIndex).toBe(blindIndex('phone', kept.phone));
      expect(k.content).toContain(kept.phone);
      expect(await eventsOf(kept.view.id)).toHaveLength(0);
    }
    // The figures do not move.
    expect(await metrics()).toEqual(figures);
    // The ticket still reads as closed with its history, for the centre.
    const view = await api.call('GET', `/api/tickets/${old.view.id}`, { token: w.supervisor.token });
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).not.toContain(old.phone);

    // Idempotent: a second run finds nothing, records nothing more.
    const again = await runPiiRetention(deps, now);
    expect(again).toMatchObject({ tickets: 0, contacts: 0, notifications: 0, batches: 1 });
    expect(await eventsOf(old.view.id)).toHaveLength(1);

    const runs = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'pii_retention_run')).orderBy(asc(auditLog.id));
    expect(runs.at(-2)?.details).toMatchObject({ tickets: 1, days: 1095, cutoff: at(5).toISOString() });
    expect(runs.at(-1)?.details).toMatchObject({ tickets: 0 });

    // The privacy screen's summary: the retention in force and this last run.
    const status = await api.call('GET', '/api/privacy/retention', { token: w.securityAdmin.token });
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ days: 1095, cron: deps.config.RETENTION_CRON, due: 0, lastRun: { tickets: 0 } });
  });

  it('walks a backlog in batches and takes every ticket past the cut-off', async () => {
    const closed = [await ticketClosedOn(20), await ticketClosedOn(20), await ticketClosedOn(21)];
    const now = at(1095 + 30);
    const { runRetention } = await import('../../src/domain/privacy/retention.ts');
    const r = await runRetention(deps, now, 2);
    expect(r.tickets).toBe(4); // the three, and the younger ticket of the first test (closed on day 10)
    expect(r.batches).toBe(3);
    const rows = await deps.db
      .select({ id: tickets.id, at: tickets.callerAnonymisedAt })
      .from(tickets)
      .where(
        inArray(
          tickets.id,
          closed.map((c) => c.view.id),
        ),
      );
    expect(rows.every((x) => x.at !== null)).toBe(true);
  });

  it('does nothing with PII_RETENTION_DAYS = 0', async () => {
    const t = await ticketClosedOn(40);
    deps.config.PII_RETENTION_DAYS = 0;
    try {
      const r = await runPiiRetention(deps, at(10_000));
      expect(r).toMatchObject({ tickets: 0, cutoff: null, batches: 0 });
      expect((await row(t.view.id)).callerPhone).toBe(t.phone);
    } finally {
      deps.config.PII_RETENTION_DAYS = 1095;
    }
  });

  it.runIf(driver === 'postgres')('stops when another instance holds the lock', async () => {
    const t = await ticketClosedOn(50);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const other = deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${RETENTION_LOCK_KEY})`);
      locked();
      await held;
    });
    await isLocked;
    try {
      const r = await runPiiRetention(deps, at(1095 + 60));
      expect(r).toMatchObject({ skipped: true, tickets: 0, batches: 0 });
      expect((await row(t.view.id)).callerPhone).toBe(t.phone);
    } finally {
      release();
      await other;
    }
  });
});
