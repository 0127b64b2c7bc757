/**
 * Saved views (/api/views): each user's own list of named filters, with the count the list would show for each,
 * for this user; filters validated exactly as the list's query; every change audited.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, savedViews } from '../../db/schema/index.ts';
import { COUNT_CAP } from '../../src/domain/views/queries.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';
import type { TestUser } from '../setup/world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

const call = (user: TestUser, method: string, path: string, body?: unknown) => api.call(method, path, { token: user.token, body });
const views = async (user: TestUser) => {
  const r = await call(user, 'GET', '/api/views');
  expect(r.status).toBe(200);
  return r.body.items as { id: number; name: string; filters: Record<string, string>; position: number; count: number | null; countCapped: boolean }[];
};

beforeAll(async () => {
  // two tickets at street A (one of them urgent), one at street B, one waiting for dispatch
  await flow.ticket(w.dispatcher, await flow.create({ urgency: 'urgent' }), 'dispatch', { leadUnitId: w.units.streetA.id });
  await flow.dispatched();
  await flow.ticket(w.dispatcher, await flow.create(), 'dispatch', { leadUnitId: w.units.streetB.id });
  await flow.create();
});

describe('saved views', () => {
  it('create, list in order with counts, rename, reorder, change filters, delete', async () => {
    const a = await call(w.handlerA, 'POST', '/api/views', { name: '紧急件', filters: { urgency: 'urgent' } });
    expect(a.status).toBe(201);
    const b = await call(w.handlerA, 'POST', '/api/views', { name: '待签收', filters: { status: 'awaiting_sign' } });
    let list = await views(w.handlerA);
    expect(list.map((v) => [v.name, v.count, v.position])).toEqual([
      ['紧急件', 1, 0],
      ['待签收', 2, 1],
    ]);
    expect(list[0]!.filters).toEqual({ urgency: 'urgent' });
    expect((await call(w.handlerA, 'PUT', `/api/views/${b.body.id}`, { name: '我的待签收', position: 0 })).status).toBe(200);
    expect((await call(w.handlerA, 'PUT', `/api/views/${a.body.id}`, { position: 5, filters: { status: 'closed' } })).status).toBe(200);
    list = await views(w.handlerA);
    expect(list.map((v) => [v.name, v.count])).toEqual([
      ['我的待签收', 2],
      ['紧急件', 0],
    ]);
    expect((await call(w.handlerA, 'DELETE', `/api/views/${a.body.id}`)).status).toBe(204);
    expect((await views(w.handlerA)).map((v) => v.name)).toEqual(['我的待签收']);
    const audited = await deps.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.userId, w.handlerA.id), eq(auditLog.targetType, 'saved_view')));
    expect(audited.map((x) => x.action).sort()).toEqual(['view_created', 'view_created', 'view_deleted', 'view_updated', 'view_updated']);
  });

  it('counts are the list’s count for the user: the same filters count differently for the centre and for each unit', async () => {
    for (const user of [w.dispatcher, w.handlerB, w.handlerDept]) {
      expect((await call(user, 'POST', '/api/views', { name: '全部待签收', filters: { status: 'awaiting_sign' } })).status).toBe(201);
    }
    const count = async (user: TestUser) => (await views(user)).find((v) => v.name === '全部待签收')!.count;
    expect([await count(w.dispatcher), await count(w.handlerB), await count(w.handlerDept)]).toEqual([3, 1, 0]);
    const list = await api.call('GET', '/api/tickets?status=awaiting_sign&limit=200', { token: w.dispatcher.token });
    expect(list.body.items).toHaveLength(3);
  });

  it('counts stop at the cap and say so', async () => {
    expect(COUNT_CAP).toBe(1000);
    const { countTickets } = await import('../../src/domain/tickets/search.ts');
    expect(await countTickets(deps.db, w.dispatcher.actor, {}, deps.clock.now(), 2)).toEqual({ count: 2, capped: true });
    expect(await countTickets(deps.db, w.dispatcher.actor, {}, deps.clock.now(), 4)).toEqual({ count: 4, capped: false });
  });

  it('each user sees and changes only their own views: another user’s view is 404', async () => {
    const mine = await call(w.leaderA, 'POST', '/api/views', { name: '组长视图', filters: {} });
    expect((await views(w.handlerA)).some((v) => v.name === '组长视图')).toBe(false);
    for (const [method, body] of [
      ['PUT', { name: '改名' }],
      ['DELETE', undefined],
    ] as const) {
      const r = await call(w.handlerA, method, `/api/views/${mine.body.id}`, body);
      expect([r.status, r.body.code]).toEqual([404, 'view_not_found']);
    }
    const [row] = await deps.db.select().from(savedViews).where(eq(savedViews.id, mine.body.id));
    expect(row!.name).toBe('组长视图');
    // the same name is another user's own
    expect((await call(w.handlerA, 'POST', '/api/views', { name: '组长视图', filters: {} })).status).toBe(201);
  });

  it('validates: the list’s filters only, a name unique per user, the caller’s fields for the centre only', async () => {
    const bad = [
      { name: '坏', filters: { status: 'nonsense' } },
      { name: '坏', filters: { sortBy: 'x' } },
      { name: '坏', filters: { receivedFrom: '2026-3-1' } },
      { name: '', filters: {} },
      { name: '坏', filters: { cursor: 'abc' } },
    ];
    for (const body of bad) {
      const r = await call(w.dispatcher, 'POST', '/api/views', body);
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    expect((await call(w.dispatcher, 'POST', '/api/views', { name: '重名', filters: {} })).status).toBe(201);
    const dup = await call(w.dispatcher, 'POST', '/api/views', { name: '重名', filters: { overdue: 'true' } });
    expect([dup.status, dup.body.code]).toEqual([409, 'view_name_taken']);
    const forbidden = await call(w.handlerA, 'POST', '/api/views', { name: '按电话', filters: { phone: '5678' } });
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'search_field_forbidden']);
    expect((await call(w.dispatcher, 'POST', '/api/views', { name: '按电话', filters: { phone: '5678' } })).status).toBe(201);
    const put = await call(w.dispatcher, 'PUT', `/api/views/${(await views(w.dispatcher))[0]!.id}`, { filters: { limit: 5 } });
    expect(put.status).toBe(400);
  });
});
