/**
 * 好差评 end to end over HTTP: the one-time link in the reply notice and the look-up page's number + last four
 * digits rate a handling round once; a bad rating opens a verification at the centre with its own clock; the
 * unit appeals, a supervisor confirms or dismisses, the unit rectifies and answers the caller; the sweep warns and
 * waits (visibly) for a calendar that does not cover the deadline; the rates count it all.
 */
import { describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { notifications, ratingVerifications, ticketEvents } from '../../db/schema/index.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { sweepVerifications } from '../../src/domain/ratings/sweep.ts';
import { RATING_LIMIT_PER_MINUTE } from '../../src/http/routes/ratings.ts';
import { shanghai } from '../setup/calendar.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { makeUser, seedCalendar } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

const BASE = 'https://12345.example.gov.cn';
useApiWorld({ config: { PUBLIC_BASE_URL: BASE, TRUST_PROXY: true }, prepare: (fresh) => seedCalendar(fresh.db) });

// Public calls come from addresses of their own, so the per-address limit only bites where a test means it to.
let ip = 0;
const pub = (method: string, path: string, body?: unknown, from = `10.9.${Math.floor(++ip / 250)}.${ip % 250}`) =>
  api.call(method, path, { body, headers: { 'x-forwarded-for': from } });
const rate = (body: Record<string, unknown>) => pub('POST', '/api/public/ratings', body);
const byLookup = (v: View, level: string, extra: Record<string, unknown> = {}) => rate({ number: v.number, last4: '5678', level, ...extra });

/** The token of the reply notice's rating link (the latest one queued for the ticket). */
async function linkToken(ticketId: number): Promise<string> {
  const sms = await deps.db
    .select({ body: notifications.body })
    .from(notifications)
    .where(and(eq(notifications.ticketId, ticketId), eq(notifications.template, 'reply_notice')))
    .orderBy(asc(notifications.id));
  const m = sms.at(-1)?.body.match(new RegExp(`${BASE}/rate\\?t=([\\w%-]+)`));
  expect(m, sms.at(-1)?.body).toBeTruthy();
  return decodeURIComponent(m![1]!);
}
const eventsOf = async (ticketId: number) =>
  (await deps.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id))).map((e) => e.type);
const verificationOf = async (ticketId: number) => (await deps.db.select().from(ratingVerifications).where(eq(ratingVerifications.ticketId, ticketId)))[0]!;
const get = (path: string, token: string) => api.call('GET', path, { token });
const post = (path: string, token: string, body: unknown) => api.call('POST', path, { token, body });

describe('the caller rates a handling round', () => {
  it('through the one-time link in the reply notice: once, without an account, and nothing personal is shown', async () => {
    const v = await flow.awaitingCallback();
    const token = await linkToken(v.id);
    const link = await pub('GET', `/api/public/ratings/link?token=${encodeURIComponent(token)}`);
    expect(link.status).toBe(200);
    // The admins' outbox shows the message with the link's token hidden: only the caller may rate.
    const outbox = await get(`/api/admin/notifications?ticketId=${v.id}&audience=citizen`, w.admin.token);
    const notice = outbox.body.items.find((n: { template: string }) => n.template === 'reply_notice');
    expect(notice.body).toContain(`${BASE}/rate?t=***`);
    expect(notice.body).not.toContain(token);
    expect(link.body).toEqual({ number: v.number, status: 'awaiting_callback', round: 1, state: 'open', given: null });
    expect(JSON.stringify(link.body)).not.toMatch(/1381234|王先生|5678/);

    const r = await rate({ token, level: 'satisfied', comment: '处理及时，态度很好' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ number: v.number, round: 1, level: 'satisfied' });
    expect((await pub('GET', `/api/public/ratings/link?token=${encodeURIComponent(token)}`)).body.state).toBe('rated');
    // The same link, or the look-up page, cannot rate the round again.
    expectProblem(await rate({ token, level: 'very_dissatisfied' }), 409, 'rating_already_given');
    expectProblem(await byLookup(v, 'very_dissatisfied'), 409, 'rating_already_given');
    // The look-up shows what was given; the ticket's timeline records it; a good rating opens no verification.
    const lookup = await pub('GET', `/api/public/lookup?number=${v.number}&last4=5678`);
    expect(lookup.body.rating).toMatchObject({ open: false, given: { level: 'satisfied' } });
    expect((await eventsOf(v.id)).at(-1)).toBe('citizen_rated');
    expect(await deps.db.select().from(ratingVerifications).where(eq(ratingVerifications.ticketId, v.id))).toEqual([]);
  });

  it('refuses forged and expired links (404, 410), wrong digits (404), unfinished handling (409) and bad input (400)', async () => {
    expectProblem(await pub('GET', '/api/public/ratings/link?token=rt_forged_forged_forged'), 404, 'rating_link_invalid');
    expectProblem(await rate({ token: 'rt_forged_forged_forged', level: 'satisfied' }), 404, 'rating_link_invalid');
    const done = await flow.awaitingCallback();
    const token = await linkToken(done.id);
    deps.clock.advance(31 * 86_400_000); // the link lasts RATING_LINK_DAYS (30)
    try {
      expectProblem(await rate({ token, level: 'satisfied' }), 410, 'rating_link_expired');
    } finally {
      deps.clock.advance(-31 * 86_400_000);
    }
    expectProblem(await rate({ number: done.number, last4: '1234', level: 'satisfied' }), 404, 'lookup_not_found');

    const working = await flow.inProgress();
    expectProblem(await byLookup(working, 'satisfied'), 409, 'rating_not_open');
    expectProblem(await byLookup(done, 'great'), 400, 'validation_failed');
    expectProblem(await byLookup(done, 'satisfied', { comment: '好'.repeat(501) }), 400, 'validation_failed');
    expectProblem(await rate({ number: done.number, level: 'satisfied' }), 400, 'validation_failed');
    expect(await deps.db.select().from(ratingVerifications).where(eq(ratingVerifications.ticketId, done.id))).toEqual([]);
  });

  it('a reopen starts a new round that may be rated again; the number works with or without its dash', async () => {
    let v = await flow.disputed();
    expect((await byLookup(v, 'basically_satisfied')).status).toBe(201);
    v = await flow.ticket(w.supervisor, v, 'reopen', { reason: '诉求人不满意，重办' });
    expectProblem(await byLookup(v, 'satisfied'), 409, 'rating_not_open'); // back with the unit
    v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已再次上门处理，问题已解决。' });
    v = await flow.ticket(w.dispatcher, v, 'reply/approve');
    const r = await rate({ number: v.number.replace('-', ''), last4: '5678', level: 'very_satisfied' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.round).toBe(2);
  });

  it(`is rate-limited per address: ${RATING_LIMIT_PER_MINUTE} a minute, then 429 rate_limited with Retry-After`, async () => {
    for (let i = 0; i < RATING_LIMIT_PER_MINUTE; i++)
      expect((await pub('GET', '/api/public/ratings/link?token=rt_nothing_here_at_all', undefined, '10.77.0.1')).status).toBe(404);
    const limited = await pub('POST', '/api/public/ratings', { token: 'rt_nothing_here_at_all', level: 'satisfied' }, '10.77.0.1');
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await pub('GET', '/api/public/ratings/link?token=rt_nothing_here_at_all', undefined, '10.77.0.2')).status).toBe(404);
  });
});

describe('差评核实: a bad rating is verified, appealed, decided and rectified', () => {
  it('confirmed: the unit rectifies and the caller is answered by SMS; only the rated unit, its parents and the centre see it', async () => {
    const v = await flow.awaitingCallback();
    expect((await byLookup(v, 'very_dissatisfied', { comment: '拖了很久才处理，电话13812345678打了好几次' })).status).toBe(201);
    const row = await verificationOf(v.id);
    expect(row).toMatchObject({ unitId: w.units.streetA.id, status: 'verifying', warningLevel: 'none' });
    expect(row.verifyDueAt).not.toBeNull();

    const list = await get(`/api/rating-verifications?ticketId=${v.id}`, w.leaderA.token);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].comment).not.toContain('13812345678'); // a number typed into the comment is masked
    expect((await get(`/api/rating-verifications?ticketId=${v.id}`, w.handlerB.token)).body.items).toEqual([]);
    expectProblem(await get(`/api/rating-verifications/${row.id}`, w.handlerB.token), 404, 'verification_not_found');
    expect((await get(`/api/rating-verifications/${row.id}`, w.supervisor.token)).status).toBe(200);

    // The unit's leader appeals with a reason; a handler may not; another unit's leader does not learn it exists.
    expect((await post(`/api/rating-verifications/${row.id}/appeal`, w.handlerA.token, { reason: '已按时办结' })).status).toBe(403);
    const leaderB = await makeUser(deps.db, 'unit_leader', w.units.streetB);
    expectProblem(await post(`/api/rating-verifications/${row.id}/appeal`, leaderB.token, { reason: '已按时办结' }), 404, 'verification_not_found');
    const appealed = await post(`/api/rating-verifications/${row.id}/appeal`, w.leaderA.token, { reason: '工单在时限内办结，通话记录可查' });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    expect(appealed.body).toMatchObject({ status: 'appealed', appeal: { reason: '工单在时限内办结，通话记录可查' } });
    expectProblem(await post(`/api/rating-verifications/${row.id}/appeal`, w.leaderA.token, { reason: '再次申诉' }), 409, 'verification_wrong_status');

    // A dispatcher may not decide; a supervisor confirms: the rectification clock (15 working days) starts.
    expect((await post(`/api/rating-verifications/${row.id}/decision`, w.dispatcher.token, { confirm: true, note: '属实' })).status).toBe(403);
    expectProblem(await post(`/api/rating-verifications/${row.id}/decision`, w.supervisor.token, { confirm: true }), 400, 'validation_failed');
    const confirmed = await post(`/api/rating-verifications/${row.id}/decision`, w.supervisor.token, { confirm: true, note: '经核实，差评属实' });
    expect(confirmed.body).toMatchObject({ status: 'confirmed', decision: { confirmed: true } });
    expect(confirmed.body.rectifyDueAt).not.toBeNull();
    expect(new Date(confirmed.body.rectifyDueAt).getTime()).toBeGreaterThan(deps.clock.now().getTime() + 15 * 86_400_000);

    const done = await post(`/api/rating-verifications/${row.id}/rectification`, w.handlerA.token, {
      text: '已约谈经办人，优化回访流程',
      answer: '您反映的问题已整改，感谢您的监督。',
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'rectified', rectification: { onTime: true } });
    const sms = await deps.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.ticketId, v.id), eq(notifications.template, 'rating_answer')));
    expect(sms.map((n) => [n.recipient, n.body])).toEqual([['13812345678', expect.stringContaining('您反映的问题已整改，感谢您的监督。')]]);
    expect(await eventsOf(v.id)).toEqual(
      expect.arrayContaining(['citizen_rated', 'verification_appealed', 'verification_confirmed', 'verification_rectified']),
    );
    expectProblem(
      await post(`/api/rating-verifications/${row.id}/rectification`, w.handlerA.token, { text: '再次整改', answer: '再次答复' }),
      409,
      'verification_wrong_status',
    );
  });

  it('dismissed (不予认定): it leaves 好评率 and 差评率; the rates, by unit, count every rating on its day', async () => {
    deps.clock.set('2026-04-14T02:00:00.000Z');
    const good = await flow.awaitingCallback();
    expect((await byLookup(good, 'very_satisfied')).status).toBe(201);
    const bad = await flow.awaitingCallback();
    expect((await byLookup(bad, 'dissatisfied')).status).toBe(201);
    const dismissedTicket = await flow.awaitingCallback();
    expect((await byLookup(dismissedTicket, 'very_dissatisfied')).status).toBe(201);
    const dismissed = await verificationOf(dismissedTicket.id);
    const r = await post(`/api/rating-verifications/${dismissed.id}/decision`, w.supervisor.token, { confirm: false, note: '诉求人反映的情况与事实不符' });
    expect(r.body).toMatchObject({ status: 'dismissed', decision: { confirmed: false } });
    const confirmed = await verificationOf(bad.id);
    await post(`/api/rating-verifications/${confirmed.id}/decision`, w.supervisor.token, { confirm: true, note: '属实' });

    await rollup(deps, deps.clock.now());
    const m = await get(`/api/metrics?period=month&from=2026-04&unitId=${w.units.streetA.id}`, w.supervisor.token);
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    const rates = m.body.rows[0].metrics;
    const pair = (k: string) => [rates[k].numerator, rates[k].denominator];
    expect(pair('good_review_rate')).toEqual([1, 2]);
    expect(pair('bad_review_rate')).toEqual([1, 2]);
    expect(pair('bad_review_rectification_rate')).toEqual([0, 1]);
    // Street B was rated nothing.
    const b = await get(`/api/metrics?period=month&from=2026-04&unitId=${w.units.streetB.id}`, w.supervisor.token);
    expect(b.body.rows[0].metrics.good_review_rate.denominator).toBe(0);
  });

  it('the sweep warns before the verification deadline and marks it overdue after, once per level', async () => {
    deps.clock.set(shanghai('2026-05-11 10:00').toISOString()); // a Monday
    const v = await flow.awaitingCallback();
    await byLookup(v, 'dissatisfied');
    const row = await verificationOf(v.id);
    // Three working days, counted from the next working day to the end of the third: Thursday at the close.
    expect(row.verifyDueAt!.toISOString()).toBe(shanghai('2026-05-14 17:30').toISOString());
    const warnings = async () =>
      (
        await deps.db
          .select()
          .from(ticketEvents)
          .where(and(eq(ticketEvents.ticketId, v.id), eq(ticketEvents.type, 'verification_warning')))
      ).map((e) => (e.payload as { level: string }).level);

    await sweepVerifications(deps, shanghai('2026-05-12 10:00'));
    expect(await warnings()).toEqual([]);
    await sweepVerifications(deps, shanghai('2026-05-13 17:00'));
    expect(await warnings()).toEqual([]);
    await sweepVerifications(deps, shanghai('2026-05-13 17:31')); // the last working day before the deadline
    await sweepVerifications(deps, shanghai('2026-05-14 09:00'));
    expect(await warnings()).toEqual(['warning']);
    await sweepVerifications(deps, shanghai('2026-05-14 17:31'));
    await sweepVerifications(deps, shanghai('2026-05-15 10:00'));
    expect(await warnings()).toEqual(['warning', 'overdue']);
    expect((await verificationOf(v.id)).warningLevel).toBe('overdue');
  });

  it('waits, visibly, when the calendar does not cover the deadline, and is placed by the import of the year', async () => {
    deps.clock.set(shanghai('2026-12-30 16:00').toISOString());
    const v = await flow.awaitingCallback();
    await byLookup(v, 'very_dissatisfied');
    expect((await verificationOf(v.id)).verifyDueAt).toBeNull();
    const list = await get('/api/rating-verifications?status=verifying', w.supervisor.token);
    expect(list.body.awaitingCalendar).toBe(1);
    expect(list.body.items.find((i: { ticketId: number }) => i.ticketId === v.id).verifyDueAt).toBeNull();
    await sweepVerifications(deps, shanghai('2027-01-05 10:00'));
    expect((await verificationOf(v.id)).verifyDueAt).toBeNull(); // never guessed

    const imported = await api.call('POST', '/api/calendar/import', {
      token: w.admin.token,
      body: {
        year: 2027,
        source: '国务院办公厅关于2027年部分节假日安排的通知',
        days: ['01', '02', '03'].map((d) => ({ day: `2027-01-${d}`, kind: 'holiday', name: '元旦' })),
      },
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    // Placed by the import itself (in its transaction), not only by the next sweep.
    // From the next working day: 31 December, then (1–3 January the holiday) Monday 4 and Tuesday 5 January, at the close.
    expect((await verificationOf(v.id)).verifyDueAt!.toISOString()).toBe(shanghai('2027-01-05 17:30').toISOString());
    expect((await get('/api/rating-verifications?status=verifying', w.supervisor.token)).body.awaitingCalendar).toBe(0);
  });
});
