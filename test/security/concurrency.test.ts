/**
 * Concurrency, over HTTP on the real database (PGlite and, in CI's second pass, PostgreSQL with a
 * pool of 10, where the requests really run at once): two users acting on one assignment at once → exactly one
 * succeeds and the other gets 409; concurrent retries of one intake with one Idempotency-Key → one ticket.
 * (Two identical signs are in test/http/endpoints.test.ts; the SLA sweep on two instances in
 * test/integration/sla-sweep.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { contacts, idempotencyKeys, ticketEvents, tickets } from '../../db/schema/index.ts';
import { callBody, makeUser } from '../setup/world.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { api, deps, flow, useApiWorld, w } from '../http/api-world.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';

useApiWorld({ max: 10 });

const post = (token: string, path: string, body: unknown, headers: Record<string, string> = {}) => api.call('POST', path, { token, body, headers });
const ROUNDS = 4;

async function eventsOf(ticketId: number) {
  return deps.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(ticketEvents.id);
}

describe('two users acting on one assignment at once', () => {
  it(`sign (handler) against a progress note (leader), ${ROUNDS} rounds in parallel: exactly one wins each, the other 409`, async () => {
    const views = await Promise.all(Array.from({ length: ROUNDS }, () => flow.dispatched()));
    const rounds = await Promise.all(
      views.map(async (v) => {
        const a = leadOf(v);
        const [sign, ret] = await Promise.all([
          post(w.handlerA.token, `/api/assignments/${a.id}/sign`, { version: a.version }),
          post(w.leaderA.token, `/api/assignments/${a.id}/note`, { version: a.version, text: '已安排专人跟进' }),
        ]);
        return { v, a, sign, ret };
      }),
    );
    for (const { v, sign, ret } of rounds) {
      expect([sign.status, ret.status].sort(), JSON.stringify([sign.body, ret.body])).toEqual([200, 409]);
      const loser = sign.status === 409 ? sign : ret;
      expectProblem(loser, 409, 'version_conflict');
      // The winner's change and only it: one event, one version step.
      const types = (await eventsOf(v.id)).map((e) => e.type);
      const won = sign.status === 200 ? 'sign' : 'note';
      expect(types.filter((t) => t === 'sign' || t === 'note')).toEqual([won]);
      const after = await flow.get(w.dispatcher, v.id);
      expect(after.version).toBe(v.version + 1);
    }
  });

  it(`reply (handler) against apply-to-terminate (leader) on an in-progress assignment: one wins, one 409`, async () => {
    const views = await Promise.all(Array.from({ length: ROUNDS }, () => flow.inProgress()));
    for (const results of await Promise.all(
      views.map(async (v: View) => {
        const a = leadOf(v);
        return Promise.all([
          post(w.handlerA.token, `/api/assignments/${a.id}/reply`, { version: a.version, content: '已协调施工单位调整作业时间，夜间停止施工。' }),
          post(w.leaderA.token, `/api/assignments/${a.id}/termination`, { version: a.version, reason: '诉求人已撤回诉求' }),
        ]);
      }),
    )) {
      expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([200, 409]);
      expectProblem(results.find((r) => r.status === 409)!, 409, 'version_conflict');
    }
  });

  it('two dispatchers deciding one pending return at once (approve against reject): one decision', async () => {
    const second = await makeUser(deps.db, 'dispatcher', w.units.centre);
    const v = await flow.inProgress();
    const asked = await flow.assignment(w.handlerA, v, leadOf(v), 'return', { reason: '不属于本单位职责范围' });
    const [approve, reject] = await Promise.all([
      post(w.dispatcher.token, `/api/tickets/${v.id}/return/approve`, { version: asked.version }),
      post(second.token, `/api/tickets/${v.id}/return/reject`, { version: asked.version, note: '请继续办理' }),
    ]);
    expect([approve.status, reject.status].sort(), JSON.stringify([approve.body, reject.body])).toEqual([200, 409]);
    expectProblem(approve.status === 409 ? approve : reject, 409, 'version_conflict');
    const decided = (await eventsOf(v.id)).filter((e) => /^(approve|reject)_return$/.test(e.type));
    expect(decided).toHaveLength(1);
  });
});

describe('retried intakes', () => {
  it('eight concurrent retries with one Idempotency-Key make one ticket, one contact, one creation event; all answer with it', async () => {
    const key = `call-${Date.now()}-retry`;
    const body = callBody(w.category.id, { caller: { name: '赵女士', phone: '13900001111' } });
    const results = await Promise.all(Array.from({ length: 8 }, () => post(w.operator.token, '/api/tickets', body, { 'idempotency-key': key })));
    expect(
      results.map((r) => r.status),
      JSON.stringify(results.map((r) => r.body)),
    ).toEqual(Array(8).fill(201));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const id = [...ids][0] as number;
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(new Set(results.map((r) => r.body.number)).size).toBe(1);

    const rows = await deps.db
      .select()
      .from(tickets)
      .where(eq(tickets.callerPhoneIndex, phoneIndex('13900001111')));
    expect(rows.map((t) => t.id)).toEqual([id]);
    expect(await deps.db.select().from(contacts).where(eq(contacts.ticketId, id))).toHaveLength(1);
    expect((await eventsOf(id)).filter((e) => e.type === 'ticket_created')).toHaveLength(1);
    expect(
      await deps.db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, w.operator.id), eq(idempotencyKeys.key, key))),
    ).toHaveLength(1);

    // The same key with another body is refused, not silently answered with the first ticket.
    const other = await post(w.operator.token, '/api/tickets', { ...body, content: `${body.content}（补充）` }, { 'idempotency-key': key });
    expectProblem(other, 422, 'idempotency_key_reused');
  });

  it('concurrent intakes without a key (or with different keys) each make their own ticket, with unique numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post(w.operator.token, '/api/tickets', callBody(w.category.id, { caller: { phone: `1390000222${i}` } }), { 'idempotency-key': `k-${Date.now()}-${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.number)).size).toBe(8);
    const ids = results.map((r) => r.body.id as number);
    const created = await deps.db
      .select({ ticketId: ticketEvents.ticketId })
      .from(ticketEvents)
      .where(and(inArray(ticketEvents.ticketId, ids), eq(ticketEvents.type, 'ticket_created')));
    expect(created).toHaveLength(8);
  });
});
