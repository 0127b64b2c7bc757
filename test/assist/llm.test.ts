/**
 * The optional language-model hook over HTTP, against a local fake OpenAI-compatible server: off by default (the
 * stable 404, nothing leaves), the configured model and key on the request, nobody's name or number in it, the
 * answer returned as advice and audited without its text, and the endpoint's failures as stable errors.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.ts';
import { api, deps, flow, useApiWorld, w } from '../http/api-world.ts';
import { callBody } from '../setup/world.ts';
import { expectProblem, leadOf } from '../setup/ticket-flow.ts';
import { completion, startFakeLlm, type FakeLlm } from './llm-fake.ts';

useApiWorld();
let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake?.close();
});

function turnOn(over: { timeoutMs?: number } = {}) {
  deps.config.LLM_BASE_URL = fake.baseUrl;
  deps.config.LLM_API_KEY = 'sk-test-key';
  deps.config.LLM_MODEL = 'test-model-7b';
  deps.config.LLM_TIMEOUT_MS = over.timeoutMs ?? 5000;
}
afterEach(() => {
  deps.config.LLM_BASE_URL = undefined;
  deps.config.LLM_API_KEY = undefined;
  fake.seen.length = 0;
  fake.answer({ body: completion('（测试摘要）') });
});

/** Secrets that must never reach the model: the callers' names and numbers, and what was typed into the demand. */
const SECRETS = ['13812345678', '13987654321', '13700001111', '王小明', '赵丽华', '李建国', '110101199003077777', 'wxm@example.com'];
const DEMAND =
  '我叫李建国，小区门口夜间施工噪音扰民严重，已经持续一周。我邻居王小明也受影响，有事请打13987654321，身份证110101199003077777，邮箱wxm@example.com。';

async function longTicket() {
  const v = await flow.create({ content: DEMAND, caller: { name: '王小明', phone: '13812345678' } });
  const repeat = await api.call('POST', '/api/tickets', {
    token: w.operator.token,
    body: callBody(w.category.id, {
      content: '又来电：施工还在继续，赵丽华说晚上十一点还在打桩，回电13700001111',
      caller: { name: '赵丽华', phone: '13700001111' },
      disposition: { kind: 'repeat', ticketId: v.id },
    }),
  });
  expect(repeat.status, JSON.stringify(repeat.body)).toBe(200);
  return v;
}

describe('switched off (no LLM_BASE_URL)', () => {
  it('both routes answer the stable 404 and nothing leaves the machine', async () => {
    const v = await flow.awaitingReview();
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.dispatcher.token }), 404, 'llm_not_configured');
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: {} }), 404, 'llm_not_configured');
    expect(fake.seen).toEqual([]);
    const rows = await deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, String(v.id)));
    expect(rows.filter((r) => r.action.startsWith('llm_'))).toEqual([]);
  });
});

describe('summary', () => {
  it('sends the configured model and key with the masked ticket, and returns the answer as advice', async () => {
    turnOn();
    const v = await longTicket();
    fake.answer({ body: completion('**诉求人**反映小区门口夜间施工噪音扰民，已来电两次。目前待派单。') });
    const r = await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.supervisor.token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'summary',
      ticketId: v.id,
      advisory: true,
      model: 'test-model-7b',
      summary: '诉求人反映小区门口夜间施工噪音扰民，已来电两次。目前待派单。',
    });
    expect(fake.seen).toHaveLength(1);
    const sent = fake.seen[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test-key');
    expect(sent.json).toMatchObject({ model: 'test-model-7b', stream: false });
    expect(sent.json.temperature).toBeLessThanOrEqual(0.2);
    expect(sent.json.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    const user: string = sent.json.messages[1].content;
    // the matter, its repeat call and its history are there…
    expect(user).toContain('夜间施工噪音扰民');
    expect(user).toContain('晚上十一点还在打桩');
    expect(user).toContain('受理登记');
    // …nobody's identity is, in any spelling the body carries
    for (const secret of SECRETS) expect(sent.text, secret).not.toContain(secret);
    expect(sent.text).not.toMatch(/1[3-9]\d{9}/);
  });

  it('is audited before it leaves: the ticket, the kind, the model and the size, never the text', async () => {
    turnOn();
    const v = await longTicket();
    await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.dispatcher.token });
    const [row] = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'llm_summary_requested'), eq(auditLog.targetId, String(v.id))));
    expect(row).toMatchObject({ userId: w.dispatcher.id, targetType: 'ticket' });
    expect(row!.details).toMatchObject({ model: 'test-model-7b', endpoint: new URL(fake.baseUrl).host, calls: 2 });
    expect((row!.details as { chars: number }).chars).toBeGreaterThan(100);
    expect(JSON.stringify(row!.details)).not.toContain('噪音');
  });

  it('a unit that may read the ticket asks too; one that may not gets 404 and nothing is sent', async () => {
    turnOn();
    const v = await flow.dispatched();
    expect((await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.handlerA.token })).status).toBe(200);
    expect(fake.seen).toHaveLength(1);
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.handlerB.token }), 404, 'ticket_not_found');
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/summary`, { token: w.portal.token }), 403, 'forbidden');
    expect(fake.seen).toHaveLength(1);
  });
});

describe('reply check (答非所问)', () => {
  it("checks the reply under review against the demand and returns the model's verdict", async () => {
    turnOn();
    const v = await flow.awaitingReview();
    fake.answer({ body: completion('```json\n{"verdict": "partly", "reason": "答复说明了停止夜间施工，但未说明何时恢复及噪音监测。"}\n```') });
    const r = await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ kind: 'reply_check', assignmentId: leadOf(v).id, verdict: 'partly', advisory: true, model: 'test-model-7b' });
    expect(r.body.reason).toContain('停止夜间施工');
    const user: string = fake.seen[0]!.json.messages[1].content;
    expect(user).toContain('已协调施工单位调整作业时间，夜间停止施工。');
    expect(user).toContain('甲街道');
    expect(fake.seen[0]!.text).not.toContain('13812345678');
    const audited = await deps.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'llm_reply_check_requested'), eq(auditLog.targetId, String(v.id))));
    expect(audited).toHaveLength(1);
    expect(audited[0]!.details).toMatchObject({ assignmentId: leadOf(v).id });
  });

  it('without a reply yet: 409; another ticket’s assignment: 404', async () => {
    turnOn();
    const v = await flow.inProgress();
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: {} }), 409, 'reply_check_no_reply');
    const other = await flow.awaitingReview();
    const r = await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: { assignmentId: leadOf(other).id } });
    expectProblem(r, 404, 'assignment_not_found');
    expect(fake.seen).toEqual([]);
  });

  it('the unit that replied and its parent may check it; an assisting unit, an operator and another street may not', async () => {
    turnOn();
    fake.answer({ body: completion('{"verdict":"answers","reason":"已说明处理结果。"}') });
    const dispatched = await flow.dispatched([w.units.department.id]);
    const signed = await flow.assignment(w.handlerA, dispatched, leadOf(dispatched), 'sign');
    const v = await flow.assignment(w.handlerA, signed, leadOf(signed), 'reply', { content: '已责令施工单位夜间停工。' });
    for (const who of [w.handlerA, w.leaderA, w.handlerDistrictA, w.supervisor]) {
      const r = await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: who.token, body: {} });
      expect(r.status, `${who.username} ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.verdict).toBe('answers');
    }
    const sent = fake.seen.length;
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.handlerDept.token, body: {} }), 403, 'reply_check_forbidden');
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.operator.token, body: {} }), 403, 'forbidden');
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.handlerB.token, body: {} }), 404, 'ticket_not_found');
    expect(fake.seen).toHaveLength(sent);
  });
});

describe('when the endpoint fails', () => {
  const summary = (id: number) => api.call('POST', `/api/tickets/${id}/assist/summary`, { token: w.dispatcher.token });

  it('an answer that is not a completion, or a verdict that is not one: 502 llm_bad_answer', async () => {
    turnOn();
    const v = await flow.awaitingReview();
    fake.answer({ body: '<html>502 Bad Gateway</html>' });
    expectProblem(await summary(v.id), 502, 'llm_bad_answer');
    fake.answer({ body: JSON.stringify({ choices: [] }) });
    expectProblem(await summary(v.id), 502, 'llm_bad_answer');
    fake.answer({ body: completion('  <think>让我想想</think>  ') });
    expectProblem(await summary(v.id), 502, 'llm_bad_answer');
    fake.answer({ body: completion('这个答复还可以。') });
    const r = await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: {} });
    expectProblem(r, 502, 'llm_bad_answer');
    fake.answer({ body: completion('{"verdict":"maybe","reason":"不确定"}') });
    expectProblem(await api.call('POST', `/api/tickets/${v.id}/assist/reply-check`, { token: w.dispatcher.token, body: {} }), 502, 'llm_bad_answer');
  });

  it('an error status or no server at all: 502 llm_unavailable, without the key in the answer', async () => {
    turnOn();
    const v = await flow.dispatched();
    fake.answer({ status: 401, body: JSON.stringify({ error: { message: 'invalid api key sk-test-key' } }) });
    const r = await summary(v.id);
    expectProblem(r, 502, 'llm_unavailable');
    expect(JSON.stringify(r.body)).not.toContain('sk-test-key');
    deps.config.LLM_BASE_URL = 'http://127.0.0.1:9/v1';
    expectProblem(await summary(v.id), 502, 'llm_unavailable');
  });

  it('no answer within LLM_TIMEOUT_MS: 504 llm_timeout', async () => {
    turnOn({ timeoutMs: 500 });
    const v = await flow.dispatched();
    fake.answer('hang');
    const started = Date.now();
    expectProblem(await summary(v.id), 504, 'llm_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
