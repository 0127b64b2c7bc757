/**
 * The row-per-ticket export for a period (GET /api/tickets/export?detail=timings&receivedFrom=…&receivedTo=…):
 * each ticket's first contact, first reply, outcome, last callback, attempts and answers, the caller's rating, beside the list's
 * columns masked as the reader sees them; the audit entry says which detail was exported.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { leadOf, type View } from '../setup/ticket-flow.ts';
import type { TestUser } from '../setup/world.ts';
import { api, deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

let closed: View;
let open: View;
beforeAll(async () => {
  // Received 10:00 on 10 March (Shanghai); contacted 10:30; replied 11:00; approved; called back 12:00 twice.
  let v = await flow.inProgress();
  deps.clock.set('2026-03-10T02:30:00.000Z');
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'contact', { method: 'phone', summary: '已电话联系诉求人' });
  deps.clock.set('2026-03-10T03:00:00.000Z');
  v = await flow.assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调施工单位调整作业时间，夜间停止施工。' });
  v = await flow.ticket(w.dispatcher, v, 'reply/approve');
  deps.clock.set('2026-03-10T04:00:00.000Z');
  v = await flow.ticket(w.callbackAgent, v, 'callback', { reached: false });
  closed = await flow.ticket(w.callbackAgent, v, 'callback', {
    reached: true,
    solved: 'solved',
    satisfaction: 'basically_satisfied',
    comment: '电话13800001111',
  });
  // The caller rates the handling from the look-up page (callBody's phone ends in 5678).
  const rated = await api.call('POST', '/api/public/ratings', {
    body: { number: closed.number, last4: '5678', level: 'satisfied', comment: '电话13800002222' },
  });
  expect(rated.status, JSON.stringify(rated.body)).toBe(201);
  // Received the next day: outside the period.
  deps.clock.set('2026-03-11T02:00:00.000Z');
  open = await flow.dispatched();
});

async function csv(user: TestUser, query: string) {
  const res = await fetch(`${api.base}/api/tickets/export?${query}`, { headers: { authorization: `Bearer ${user.token}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer())
    .toString('utf8')
    .split('\r\n')
    .filter(Boolean)
    .map((l) => l.split(','));
}

describe('export with detail=timings', () => {
  it('one row per ticket of the period, with its timings, outcome and callback answers', async () => {
    const rows = await csv(w.supervisor, 'format=csv&detail=timings&receivedFrom=2026-03-10&receivedTo=2026-03-10');
    const head = rows[0]!;
    expect(head.slice(-8)).toEqual(['首次联系时间', '首次答复时间', '办结方式', '最后回访时间', '回访次数', '解决情况', '满意度', '市民评价']);
    expect(rows.slice(1).map((r) => r[0])).toEqual([closed.number]);
    const row = rows[1]!;
    const at = (name: string) => row[head.indexOf(name)];
    expect(at('首次联系时间')).toBe('2026-03-10 10:30');
    expect(at('首次答复时间')).toBe('2026-03-10 11:00');
    expect(at('最后回访时间')).toBe('2026-03-10 12:00');
    expect(at('回访次数')).toBe('2');
    expect(at('解决情况')).toBe('已解决');
    expect(at('满意度')).toBe('基本满意');
    expect(at('市民评价')).toBe('满意');
    expect(at('办结方式')).not.toBe('');
    // Neither the callback's comment nor the rating's is exported.
    expect(rows.flat().join(',')).not.toContain('13800001111');
    expect(rows.flat().join(',')).not.toContain('13800002222');
  });

  it('a unit gets the same columns over its own tickets, the caller masked; without detail the columns are the list’s', async () => {
    const rows = await csv(w.handlerA, 'format=csv&detail=timings');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([closed.number, open.number].sort());
    const phone = rows[0]!.indexOf('联系电话');
    for (const r of rows.slice(1)) expect(r[phone]).toMatch(/^\d{3}\*{4}\d{4}$|^$/);
    const plain = await csv(w.supervisor, 'format=csv');
    expect(plain[0]).not.toContain('首次联系时间');
    const audit = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'tickets_export'), eq(auditLog.userId, w.handlerA.id)));
    expect(audit.at(-1)!.details).toMatchObject({ format: 'csv', detail: 'timings', rows: 2 });
  });
});
