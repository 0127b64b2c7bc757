import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { startApi, type Api } from '../setup/server.ts';
import { makeWorld, type World } from '../setup/world.ts';
import { expectProblem, ticketFlow } from '../setup/ticket-flow.ts';
import { auditLog } from '../../db/schema/index.ts';
import type { Database } from '../../db/client.ts';

let database: Database;
let deps: TestDeps;
let api: Api;
let w: World;
const ids: number[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database);
  api = await startApi(deps);
  w = await makeWorld(deps.db);
  const flow = ticketFlow(api, w);
  for (let i = 0; i < 4; i++) ids.push((await flow.create({ streetUnitId: w.units.streetA.id, caller: { phone: `1370000000${i}` } })).id);
});
afterAll(async () => {
  await api?.close();
  await database?.close();
});

const call = (method: string, path: string, token: string, body?: unknown) => api.call(method, path, { token, body });

async function openTopic(over: Record<string, unknown> = {}) {
  const r = await call('POST', '/api/governance/topics', w.supervisor.token, {
    title: '甲街道夜间施工噪音',
    description: '近一周集中反映，需街道牵头治理',
    categoryId: w.parentCategory.id,
    streetUnitId: w.units.streetA.id,
    ownerUnitId: w.units.streetA.id,
    source: { kind: 'spike', details: { count: 8, threshold: 6.243 } },
    ticketIds: ids.slice(0, 3),
    ...over,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe('governance topics over HTTP', () => {
  it('a supervisor opens a topic from a hotspot with its tickets linked, and tracks it to closed', async () => {
    const t = await openTopic();
    expect(t).toMatchObject({
      title: '甲街道夜间施工噪音',
      status: 'open',
      version: 1,
      ownerUnit: { id: w.units.streetA.id, name: '甲街道' },
      street: { id: w.units.streetA.id, name: '甲街道' },
      category: { id: w.parentCategory.id, name: '环境' },
      source: { kind: 'spike', details: { count: 8 } },
      ticketCount: 3,
      abilities: ['start', 'resolve', 'close'],
    });
    expect(t.tickets.map((x: { id: number }) => x.id).sort()).toEqual(ids.slice(0, 3).sort());
    expect(JSON.stringify(t.tickets)).not.toMatch(/1370000000/); // no caller details on a topic
    expect(t.events).toMatchObject([{ type: 'topic_opened', toStatus: 'open', version: 1, actor: { id: w.supervisor.id, role: 'supervisor' } }]);

    // link: idempotent; only the new one is recorded
    const linked = await call('POST', `/api/governance/topics/${t.id}/tickets`, w.supervisor.token, { ticketIds: [ids[2], ids[3], ids[3]] });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ linked: [ids[3]], ticketCount: 4 });
    const again = await call('POST', `/api/governance/topics/${t.id}/tickets`, w.supervisor.token, { ticketIds: [ids[3]] });
    expect(again.body).toMatchObject({ linked: [], ticketCount: 4 });
    expect(again.body.events.filter((e: { type: string }) => e.type === 'tickets_linked')).toHaveLength(1);

    // unlink: idempotent too
    const un = await call('DELETE', `/api/governance/topics/${t.id}/tickets/${ids[0]}`, w.supervisor.token);
    expect(un.body).toMatchObject({ unlinked: true, ticketCount: 3 });
    expect((await call('DELETE', `/api/governance/topics/${t.id}/tickets/${ids[0]}`, w.supervisor.token)).body).toMatchObject({
      unlinked: false,
      ticketCount: 3,
    });

    // status: open → in_progress → resolved → (reopen) in_progress → resolved → closed
    let v = (await call('POST', `/api/governance/topics/${t.id}/start`, w.supervisor.token, { version: 1 })).body;
    expect(v).toMatchObject({ status: 'in_progress', version: 2, abilities: ['resolve', 'close'] });
    const note = await call('POST', `/api/governance/topics/${t.id}/notes`, w.admin.token, { text: '已约谈施工单位，22点后停工' });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    expect(note.body.version).toBe(2); // notes and links do not make a client's version stale
    v = (await call('POST', `/api/governance/topics/${t.id}/resolve`, w.supervisor.token, { version: 2, note: '连续两周无新增投诉' })).body;
    expect(v).toMatchObject({ status: 'resolved', version: 3 });
    expect(v.resolvedAt).toBe(deps.clock.now().toISOString());
    v = (await call('POST', `/api/governance/topics/${t.id}/reopen`, w.supervisor.token, { version: 3 })).body;
    expect(v).toMatchObject({ status: 'in_progress', version: 4, resolvedAt: null });
    v = (await call('POST', `/api/governance/topics/${t.id}/resolve`, w.supervisor.token, { version: 4 })).body;
    v = (await call('POST', `/api/governance/topics/${t.id}/close`, w.supervisor.token, { version: 5 })).body;
    expect(v).toMatchObject({ status: 'closed', version: 6, abilities: [] });
    expect(v.events.map((e: { type: string }) => e.type)).toEqual([
      'topic_opened',
      'tickets_linked',
      'ticket_unlinked',
      'topic_start',
      'progress_note',
      'topic_resolve',
      'topic_reopen',
      'topic_resolve',
      'topic_close',
    ]);
    expect(v.events.find((e: { type: string }) => e.type === 'progress_note')).toMatchObject({ note: '已约谈施工单位，22点后停工', actor: { id: w.admin.id } });

    // a closed topic takes nothing more
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/tickets`, w.supervisor.token, { ticketIds: [ids[0]] }), 409, 'topic_closed');
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/notes`, w.supervisor.token, { text: '补充' }), 409, 'topic_closed');
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/reopen`, w.supervisor.token, { version: 6 }), 409, 'topic_invalid_transition');

    // every change is audited
    const audits = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'governance_topic'), eq(auditLog.targetId, String(t.id))));
    expect(audits.map((a) => a.action)).toEqual(v.events.map((e: { type: string }) => `governance_${e.type}`));
  });

  it('stale versions, illegal transitions and unknown references are 4xx with stable codes', async () => {
    const t = await openTopic({ ticketIds: [] });
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/resolve`, w.supervisor.token, { version: 9 }), 409, 'version_conflict');
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/reopen`, w.supervisor.token, { version: 1 }), 409, 'topic_invalid_transition');
    const en = await api.call('POST', `/api/governance/topics/${t.id}/reopen`, {
      token: w.supervisor.token,
      body: { version: 1 },
      headers: { 'accept-language': 'en' },
    });
    expect(en.body.detail ?? en.body.title).toBeDefined();
    expectProblem(
      await call('POST', `/api/governance/topics/${t.id}/tickets`, w.supervisor.token, { ticketIds: [ids[0], 99999999] }),
      422,
      'topic_ticket_unknown',
    );
    expectProblem(await call('POST', '/api/governance/topics', w.supervisor.token, { title: '无主专题', ownerUnitId: 999999 }), 422, 'unit_unknown');
    expectProblem(await call('POST', '/api/governance/topics', w.supervisor.token, { title: 'x' }), 400, 'validation_failed');
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/tickets`, w.supervisor.token, { ticketIds: [] }), 400, 'validation_failed');
    expectProblem(await call('GET', '/api/governance/topics/999999', w.supervisor.token), 404, 'topic_not_found');
    expectProblem(await call('POST', '/api/governance/topics/999999/start', w.supervisor.token, { version: 1 }), 404, 'topic_not_found');
    expectProblem(await call('GET', '/api/governance/topics/abc', w.supervisor.token), 400, 'validation_failed');
    // nothing was linked by the failed request
    expect((await call('GET', `/api/governance/topics/${t.id}`, w.supervisor.token)).body.ticketCount).toBe(0);

    // the owner unit and title can change, version-checked
    const up = await call('PUT', `/api/governance/topics/${t.id}`, w.supervisor.token, {
      version: 1,
      title: '甲街道施工噪音（每月一题）',
      ownerUnitId: w.units.department.id,
    });
    expect(up.body).toMatchObject({ version: 2, title: '甲街道施工噪音（每月一题）', ownerUnit: { id: w.units.department.id } });
    expectProblem(await call('PUT', `/api/governance/topics/${t.id}`, w.supervisor.token, { version: 1, title: '再改' }), 409, 'version_conflict');
  });

  it('lists topics by status and by ticket; a ticket may be in several topics', async () => {
    const a = await openTopic({ title: '专题甲', ticketIds: [ids[1]] });
    const b = await openTopic({ title: '专题乙', ticketIds: [ids[1], ids[2]] });
    const byTicket = await call('GET', `/api/governance/topics?ticketId=${ids[1]}`, w.dispatcher.token);
    expect(byTicket.status).toBe(200);
    const titles = byTicket.body.items.map((x: { id: number }) => x.id);
    expect(titles).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(titles).not.toContain(undefined);
    const open = await call('GET', '/api/governance/topics?status=open&limit=200', w.supervisor.token);
    expect(open.body.items.every((x: { status: string }) => x.status === 'open')).toBe(true);
    expect(open.body.items[0].id).toBeGreaterThan(open.body.items.at(-1).id); // newest first
    const page = await call('GET', `/api/governance/topics?limit=1&before=${b.id}`, w.supervisor.token);
    expect(page.body.items.map((x: { id: number }) => x.id)).toEqual([a.id]);
    expectProblem(await call('GET', '/api/governance/topics?status=bogus', w.supervisor.token), 400, 'validation_failed');
  });

  it('operators, units and intake clients may not read or write topics; dispatchers may only read', async () => {
    const t = await openTopic({ ticketIds: [] });
    for (const u of [w.operator, w.handlerA, w.leaderA, w.handlerB, w.portal, w.callbackAgent]) {
      expectProblem(await call('GET', '/api/governance/topics', u.token), 403, 'forbidden');
      expectProblem(await call('GET', `/api/governance/topics/${t.id}`, u.token), 403, 'forbidden');
      expectProblem(await call('POST', `/api/governance/topics/${t.id}/notes`, u.token, { text: '试图修改' }), 403, 'forbidden');
    }
    expect((await call('GET', `/api/governance/topics/${t.id}`, w.dispatcher.token)).status).toBe(200);
    expectProblem(await call('POST', '/api/governance/topics', w.dispatcher.token, { title: '派单员立题' }), 403, 'forbidden');
    expectProblem(await call('POST', `/api/governance/topics/${t.id}/start`, w.dispatcher.token, { version: 1 }), 403, 'forbidden');
  });

  it('the hotspot list shows which open topics already cover a hotspot', async () => {
    // A caller with three tickets this month → a repeat; once a topic links them, the board names the topic.
    const flow = ticketFlow(api, w);
    const mine: number[] = [];
    for (let i = 0; i < 3; i++) mine.push((await flow.create({ caller: { phone: '13911112222' }, address: `丙路${i}号` })).id);
    deps.clock.advance(60_000); // the board counts up to now
    const before = await call('GET', '/api/hotspots', w.supervisor.token);
    const rep = before.body.repeats.find((x: { key: string }) => x.key === '139****2222');
    expect(rep).toMatchObject({ kind: 'caller', count: 3, topicIds: [] });
    const t = await openTopic({ title: '同一来电人反复反映', source: { kind: 'caller', details: { key: rep.key } }, ticketIds: rep.ticketIds });
    const after = await call('GET', '/api/hotspots', w.supervisor.token);
    expect(after.body.repeats.find((x: { key: string }) => x.key === '139****2222').topicIds).toEqual([t.id]);
  });
});
