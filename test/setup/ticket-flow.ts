import { expect } from 'vitest';
import type { Role } from '../../src/domain/vocab.ts';
import type { Api } from './server.ts';
import { callBody, type TestUser, type World } from './world.ts';

/** The ticket view as GET /api/tickets/:id returns it (only what the tests read is typed). */
export type Assignment = {
  id: number;
  unit: { id: number; name: string; kind: string };
  role: 'lead' | 'assist';
  status: string;
  version: number;
  designated: boolean;
  /** The assignment this one was handed down from; null for the centre's dispatch */
  parentId?: number | null;
  signedAt: string | null;
  firstContactAt: string | null;
  firstContactRecordedAt: string | null;
  replyContent: string | null;
  deadlines: { sign: string | null; response: string | null; complete: string | null; originalComplete: string | null };
  abilities: string[];
};
export type View = {
  id: number;
  number: string;
  status: string;
  version: number;
  redoCount: number;
  callbackRound: number;
  callbackAttempts: number;
  contacts: number;
  publicReply: string | null;
  close: { reason: string; note: string | null; mergedIntoTicketId: number | null } | null;
  assignments: Assignment[];
  pendingRequests: { id: number; kind: string; assignmentId: number; reason: string; requestedDueAt: string | null }[];
  abilities: string[];
};

type Res = Awaited<ReturnType<Api['call']>>;

/** Every error is RFC 9457 problem+json with a stable code, its status, a title and the request id. */
export function expectProblem(r: Res, status: number, code: string) {
  expect({ status: r.status, code: r.body?.code }, JSON.stringify(r.body)).toEqual({ status, code });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, code, title: expect.any(String), requestId: expect.any(String) });
  expect(r.body.title.length).toBeGreaterThan(0);
  expect(r.body.requestId).toBe(r.headers.get('x-request-id'));
}

/** The centre's lead assignment that currently holds the ticket (after a return and re-dispatch, the newest one; never a handed-down one). */
export const leadOf = (v: View): Assignment => v.assignments.findLast((a) => a.role === 'lead' && !a.parentId)!;
export const assistOf = (v: View, unitId: number): Assignment => v.assignments.find((a) => a.role === 'assist' && a.unit.id === unitId)!;

/** The world's user for each role (unit roles belong to street A). */
export function userOfRole(w: World): Record<Role, TestUser> {
  return {
    operator: w.operator,
    window_clerk: w.clerk,
    dispatcher: w.dispatcher,
    callback_agent: w.callbackAgent,
    supervisor: w.supervisor,
    admin: w.admin,
    security_admin: w.securityAdmin,
    audit_admin: w.auditAdmin,
    intake_client: w.portal,
    unit_handler: w.handlerA,
    unit_leader: w.leaderA,
  };
}

/** Drives tickets through the lifecycle over HTTP; each step asserts success and returns the new view. */
export function ticketFlow(api: Api, w: World) {
  async function ok(user: TestUser, method: string, path: string, body?: unknown): Promise<View> {
    const r = await api.call(method, path, { token: user.token, body });
    if (r.status !== 200 && r.status !== 201) throw new Error(`${user.role} ${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as View;
  }
  /** A ticket-level action with the view's version. */
  const ticket = (user: TestUser, v: View, action: string, body: Record<string, unknown> = {}) =>
    ok(user, 'POST', `/api/tickets/${v.id}/${action}`, { version: v.version, ...body });
  /** An assignment action with the assignment's version as the view shows it. */
  const assignment = (user: TestUser, v: View, a: { id: number }, action: string, body: Record<string, unknown> = {}) =>
    ok(user, 'POST', `/api/assignments/${a.id}/${action}`, { version: v.assignments.find((x) => x.id === a.id)!.version, ...body });

  const f = {
    ok,
    ticket,
    assignment,
    get: (user: TestUser, id: number) => ok(user, 'GET', `/api/tickets/${id}`),
    create: (over: Record<string, unknown> = {}) => ok(w.operator, 'POST', '/api/tickets', callBody(w.category.id, over)),
    /** Created and dispatched to street A (lead), optionally with assisting units. */
    async dispatched(assistUnitIds: number[] = []) {
      return ticket(w.dispatcher, await f.create(), 'dispatch', { leadUnitId: w.units.streetA.id, assistUnitIds });
    },
    /** Street A has signed: ticket in progress. */
    async inProgress(assistUnitIds: number[] = []) {
      const v = await f.dispatched(assistUnitIds);
      return assignment(w.handlerA, v, leadOf(v), 'sign');
    },
    async awaitingReview() {
      const v = await f.inProgress();
      return assignment(w.handlerA, v, leadOf(v), 'reply', { content: '已协调施工单位调整作业时间，夜间停止施工。' });
    },
    async awaitingCallback() {
      return ticket(w.dispatcher, await f.awaitingReview(), 'reply/approve');
    },
    async disputed() {
      return ticket(w.callbackAgent, await f.awaitingCallback(), 'callback', { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    },
    /** Closed by an approved termination: the ticket and its assignment are both closed. */
    async closed() {
      const v = await f.inProgress();
      const t = await assignment(w.handlerA, v, leadOf(v), 'termination', { reason: '诉求人已撤回诉求' });
      return ticket(w.dispatcher, t, 'termination/approve');
    },
  };
  return f;
}
