/** A demo ticket carried through to 已办结 at 东华街道, for the figures' browser tests (drill-down, 统计分析). */
import { expect } from 'vitest';
import { apiSession, ok, ticketAtDonghua } from './harness.ts';

/**
 * Logged, dispatched to 东华街道 and signed (ticketAtDonghua), replied, the reply approved, called back solved and
 * satisfied: closed. Returns the closed ticket's view.
 */
export async function closedAtDonghua(base: string, content: string) {
  const { v: signed, sessions } = await ticketAtDonghua(base, content, { sign: true });
  const lead = signed.assignments.at(-1);
  let v = await ok(sessions.unit, 'POST', `/api/assignments/${lead.id}/reply`, { version: lead.version, content: '已安排处理，并向诉求人说明。' });
  v = await ok(sessions.dispatcher, 'POST', `/api/tickets/${v.id}/reply/approve`, { version: v.version });
  const agent = await apiSession(base, 'callback1');
  v = await ok(agent, 'POST', `/api/tickets/${v.id}/callback`, { version: v.version, reached: true, solved: 'solved', satisfaction: 'satisfied' });
  expect(v.status).toBe('closed');
  return v;
}
