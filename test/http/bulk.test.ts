/** Bulk work at the dispatch desk: each ticket its own transaction, a result per ticket, nothing half-written. */
import { describe, expect, it } from 'vitest';
import { expectProblem } from '../setup/ticket-flow.ts';
import { api, flow, w } from './api-world.ts';
import { events, post, useLifecycleWorld } from './lifecycle-fixtures.ts';

useLifecycleWorld();

type Result = {
  id: number;
  ok: boolean;
  status?: string;
  version?: number;
  error?: { status: number; code: string; message: string; details: Record<string, unknown> };
};
const results = (r: { status: number; body: { results: Result[] } }) => {
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.results;
};

describe('POST /api/tickets/bulk/dispatch', () => {
  it('dispatches each ticket in its own transaction: a stale version fails alone with its code, the others go through', async () => {
    const [a, b, c] = [await flow.create(), await flow.create(), await flow.create()];
    const body = {
      tickets: [
        { id: a.id, version: a.version },
        { id: b.id, version: b.version + 5 },
        { id: c.id, version: c.version },
      ],
      leadUnitId: w.units.streetA.id,
      assistUnitIds: [w.units.department.id],
    };
    const r = await post(w.dispatcher.token, '/api/tickets/bulk/dispatch', body);
    expect(r.body).toMatchObject({ ok: 2, failed: 1 });
    const [ra, rb, rc] = results(r);
    expect(ra).toEqual({ id: a.id, ok: true, status: 'awaiting_sign', version: a.version + 1 });
    expect(rc).toEqual({ id: c.id, ok: true, status: 'awaiting_sign', version: c.version + 1 });
    expect(rb).toMatchObject({ id: b.id, ok: false, error: { status: 409, code: 'version_conflict', details: { currentVersion: b.version } } });
    expect(rb!.error!.message.length).toBeGreaterThan(0);

    for (const t of [a, c]) {
      const v = await flow.get(w.dispatcher, t.id);
      expect(v.assignments.map((x) => [x.unit.id, x.role])).toEqual([
        [w.units.streetA.id, 'lead'],
        [w.units.department.id, 'assist'],
      ]);
    }
    // The stale one: not a row written, not an event recorded.
    const vb = await flow.get(w.dispatcher, b.id);
    expect(vb).toMatchObject({ status: 'awaiting_dispatch', version: b.version, assignments: [] });
    expect((await events(w.dispatcher.token, b.id)).map((e) => e.type)).not.toContain('dispatch');

    // A retry of the same batch (a double click, a lost answer) dispatches nothing twice: the versions it carries are spent.
    const again = results(await post(w.dispatcher.token, '/api/tickets/bulk/dispatch', body));
    expect(again.map((x) => [x.ok, x.error?.code])).toEqual([
      [false, 'version_conflict'],
      [false, 'version_conflict'],
      [false, 'version_conflict'],
    ]);
    for (const t of [a, c]) {
      const v = await flow.get(w.dispatcher, t.id);
      expect(v.assignments).toHaveLength(2);
      expect((await events(w.dispatcher.token, t.id)).filter((e) => e.type === 'dispatch')).toHaveLength(1);
    }
  });

  it('answers a ticket that does not exist or is in the wrong status with that ticket’s own code, in the caller’s language', async () => {
    const done = await flow.dispatched();
    const fresh = await flow.create();
    const r = await api.call('POST', '/api/tickets/bulk/dispatch', {
      token: w.dispatcher.token,
      headers: { 'accept-language': 'en' },
      body: {
        tickets: [
          { id: 999_999_999, version: 1 },
          { id: done.id, version: done.version },
          { id: fresh.id, version: fresh.version },
        ],
        leadUnitId: w.units.streetB.id,
      },
    });
    expect(results(r).map((x) => [x.ok, x.error?.code ?? x.status])).toEqual([
      [false, 'ticket_not_found'],
      [false, 'invalid_transition'],
      [true, 'awaiting_sign'],
    ]);
    expect(r.body.results[1].error.message).toMatch(/[a-z]/);
    expect(r.body.results[1].error.message).not.toMatch(/[\u4e00-\u9fff]{3}/);
  });

  it('refuses a malformed batch with 400 and writes nothing', async () => {
    const t = await flow.create();
    const one = [{ id: t.id, version: t.version }];
    const lead = w.units.streetA.id;
    for (const body of [
      { tickets: [], leadUnitId: lead },
      { tickets: one },
      { tickets: [...one, ...one], leadUnitId: lead },
      { tickets: Array.from({ length: 101 }, (_, i) => ({ id: i + 1, version: 1 })), leadUnitId: lead },
      { tickets: [{ id: t.id }], leadUnitId: lead },
      { tickets: one, leadUnitId: lead, status: 'closed' },
    ]) {
      expectProblem(await post(w.dispatcher.token, '/api/tickets/bulk/dispatch', body), 400, 'validation_failed');
    }
    expect(await flow.get(w.dispatcher, t.id)).toMatchObject({ status: 'awaiting_dispatch', version: t.version });
  });

  it('is the dispatcher’s alone', async () => {
    const t = await flow.create();
    const body = { tickets: [{ id: t.id, version: t.version }], leadUnitId: w.units.streetA.id };
    for (const user of [w.operator, w.supervisor, w.admin, w.handlerA, w.leaderA]) {
      expectProblem(await post(user.token, '/api/tickets/bulk/dispatch', body), 403, 'forbidden');
    }
    expectProblem(await api.call('POST', '/api/tickets/bulk/dispatch', { body }), 401, 'unauthenticated');
    expect(await flow.get(w.dispatcher, t.id)).toMatchObject({ status: 'awaiting_dispatch' });
  });
});

describe('POST /api/tickets/bulk/reply-approve', () => {
  it('approves each reply as written; a ticket not awaiting review fails alone', async () => {
    const [a, b] = [await flow.awaitingReview(), await flow.awaitingReview()];
    const notYet = await flow.inProgress();
    const r = await post(w.dispatcher.token, '/api/tickets/bulk/reply-approve', {
      tickets: [a, notYet, b].map((x) => ({ id: x.id, version: x.version })),
    });
    expect(results(r).map((x) => [x.id, x.ok, x.error?.code ?? x.status])).toEqual([
      [a.id, true, 'awaiting_callback'],
      [notYet.id, false, 'invalid_transition'],
      [b.id, true, 'awaiting_callback'],
    ]);
    const va = await flow.get(w.dispatcher, a.id);
    expect(va.publicReply).toBe('已协调施工单位调整作业时间，夜间停止施工。');
    expect(await flow.get(w.dispatcher, notYet.id)).toMatchObject({ status: 'in_progress', version: notYet.version });
    expectProblem(await post(w.handlerA.token, '/api/tickets/bulk/reply-approve', { tickets: [{ id: b.id, version: 99 }] }), 403, 'forbidden');
  });
});

describe('POST /api/tickets/bulk/merge', () => {
  it('merges each ticket into the target; the target itself in the list fails alone', async () => {
    const target = await flow.create();
    const [a, b] = [await flow.create(), await flow.create()];
    const r = await post(w.dispatcher.token, '/api/tickets/bulk/merge', {
      intoTicketId: target.id,
      tickets: [a, target, b].map((x) => ({ id: x.id, version: x.version })),
    });
    expect(results(r).map((x) => [x.id, x.ok, x.error?.code ?? x.status])).toEqual([
      [a.id, true, 'closed'],
      [target.id, false, 'merge_target_invalid'],
      [b.id, true, 'closed'],
    ]);
    for (const x of [a, b]) expect((await flow.get(w.dispatcher, x.id)).close).toMatchObject({ reason: 'merged' });
    expect((await flow.get(w.dispatcher, target.id)).status).toBe('awaiting_dispatch');
  });
});
