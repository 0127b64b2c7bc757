import { ValidationError } from '../../domain/errors.ts';
import { z } from 'zod';
import { findTicketIdByNumber, loadTicket } from '../../domain/tickets/queries.ts';
import { presentTicketEvents } from '../../domain/tickets/events-presenter.ts';
import { presentTicket } from '../../domain/tickets/presenter.ts';
import * as inputs from '../../domain/tickets/inputs.ts';
import { createTicket } from '../../domain/tickets/commands/intake.ts';
import * as lc from '../../domain/tickets/commands/lifecycle.ts';
import { CENTRE_ROLES, UNIT_ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../../domain/auth/actor.ts';

const READERS: Role[] = [...CENTRE_ROLES, ...UNIT_ROLES, 'intake_client'];
const INTAKE: Role[] = ['operator', 'window_clerk', 'intake_client'];
const idParam = inputs.idParam;

async function present(deps: Deps, actor: Actor, id: number) {
  return presentTicket(deps.db, actor, await loadTicket(deps.db, actor, id), deps.clock.now());
}

/** Every ticket-level transition is its own endpoint: same pipeline, own input schema and command. */
function ticketAction<B extends { version: number }>(
  path: string,
  summaryText: string,
  roles: Role[],
  body: z.ZodType<B>,
  run: (deps: Deps, actor: Actor, id: number, input: B) => Promise<{ id: number }>,
): AnyRoute {
  return route({
    method: 'post',
    path: `/api/tickets/:id/${path}`,
    summary: summaryText,
    tag: 'lifecycle',
    access: roles,
    params: idParam,
    body,
    handler: async ({ deps, actor, params, body: input }) => {
      const t = await run(deps, actor, params.id, input);
      return { body: await present(deps, actor, t.id) };
    },
  });
}

export const ticketRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/tickets',
    summary: 'Intake: log a call (operator), a "办不成事" window complaint (clerk) or an online submission (intake client)',
    tag: 'intake',
    access: INTAKE,
    body: inputs.createTicketInput,
    status: 201,
    responseDescription: 'The new ticket (or, for disposition "repeat", the ticket the contact was linked to)',
    headers: [{ name: 'Idempotency-Key', description: 'A retried create with the same key returns the first result instead of a second ticket' }],
    handler: async ({ deps, actor, body, ctx }) => {
      const key = ctx.get('idempotency-key') || undefined;
      if (key && key.length > 200) throw new ValidationError([{ path: 'headers.idempotency-key', code: 'too_big', message: '≤ 200 characters' }]);
      const r = await createTicket(deps, actor, body, { idempotencyKey: key });
      const view = await presentTicket(deps.db, actor, r.ticket, deps.clock.now(), r.known);
      return {
        status: r.linked ? 200 : 201,
        body: { ...view, contactId: r.contactId, linked: r.linked },
        headers: { ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}), Location: `/api/tickets/${r.ticket.id}` },
      };
    },
  }),
  route({
    method: 'get',
    path: '/api/tickets/by-number/:number',
    summary: 'Find a ticket by its number',
    tag: 'tickets',
    access: READERS,
    params: z.object({ number: z.string().regex(/^\d{8}-\d{6,}$/) }),
    handler: async ({ deps, actor, params }) => ({ body: await present(deps, actor, await findTicketIdByNumber(deps.db, actor, params.number)) }),
  }),
  route({
    method: 'get',
    path: '/api/tickets/:id',
    summary: 'One ticket with its assignments, pending requests and the actions the actor may take (abilities)',
    tag: 'tickets',
    access: READERS,
    params: idParam,
    handler: async ({ deps, actor, params }) => ({ body: await present(deps, actor, params.id) }),
  }),
  route({
    method: 'get',
    path: '/api/tickets/:id/events',
    summary: "The ticket's history: every change in order (who, when, from → to, payload)",
    tag: 'tickets',
    access: READERS,
    params: idParam,
    handler: async ({ deps, actor, params }) => ({
      body: { items: await presentTicketEvents(deps.db, actor, await loadTicket(deps.db, actor, params.id)) },
    }),
  }),
  ticketAction('dispatch', 'Dispatch to a lead unit and assisting units (派单)', ['dispatcher'], inputs.dispatchInput, lc.dispatchTicket),
  ticketAction('decline', 'Close as not accepted (不予受理)', ['dispatcher'], inputs.declineInput, lc.declineTicket),
  ticketAction('merge', 'Merge into another open ticket (并单)', ['dispatcher'], inputs.mergeInput, lc.mergeTicket),
  ticketAction('return/approve', 'Approve the pending return (退单): back to dispatch', ['dispatcher'], inputs.reviewInput, (d, a, id, i) =>
    lc.reviewReturn(d, a, id, true, i),
  ),
  ticketAction('return/reject', 'Reject the pending return: the unit keeps the ticket and is designated', ['dispatcher'], inputs.reviewInput, (d, a, id, i) =>
    lc.reviewReturn(d, a, id, false, i),
  ),
  ticketAction(
    'extension/approve',
    'Approve the pending extension (延期): moves the completion deadline',
    ['dispatcher'],
    inputs.approveExtensionInput,
    (d, a, id, i) => lc.reviewExtension(d, a, id, true, i),
  ),
  ticketAction('extension/reject', 'Reject the pending extension', ['dispatcher'], inputs.reviewInput, (d, a, id, i) => lc.reviewExtension(d, a, id, false, i)),
  ticketAction('termination/approve', 'Approve the pending termination (终止办理): the ticket closes', ['dispatcher'], inputs.reviewInput, (d, a, id, i) =>
    lc.reviewTermination(d, a, id, true, i),
  ),
  ticketAction('termination/reject', 'Reject the pending termination', ['dispatcher'], inputs.reviewInput, (d, a, id, i) =>
    lc.reviewTermination(d, a, id, false, i),
  ),
  ticketAction('reply/approve', "Approve the lead unit's reply: on to callback", ['dispatcher'], inputs.approveReplyInput, (d, a, id, i) =>
    lc.reviewReply(d, a, id, true, i),
  ),
  ticketAction('reply/reject', 'Reject the reply: back to the unit (redo)', ['dispatcher'], inputs.reasonInput, (d, a, id, i) =>
    lc.reviewReply(d, a, id, false, i),
  ),
  ticketAction('callback', 'Record a callback attempt (回访): reached, solved, satisfaction', ['callback_agent'], inputs.callbackInput, lc.recordCallback),
  ticketAction('reopen', 'Reopen after a disputed callback (重办): back to the lead unit, redo count +1', ['supervisor'], inputs.reasonInput, lc.reopenTicket),
  ticketAction('close', 'Close a disputed ticket with an explanation', ['supervisor'], inputs.closeInput, lc.closeTicket),
];

export const assignmentRoutes: AnyRoute[] = (
  [
    ['sign', 'Sign for the assignment (签收)', inputs.signInput, lc.signAssignment],
    ['contact', 'Record contact with the caller (联系诉求人 = response)', inputs.contactInput, lc.contactCaller],
    ['note', 'Add a progress note (办理记录)', inputs.noteInput, lc.addNote],
    ['reply', 'Reply (答复): the lead unit’s reply goes to review', inputs.replyInput, lc.replyAssignment],
    ['return', 'Apply to return the ticket (申请退单)', inputs.reasonInput, lc.requestReturn],
    ['extension', 'Apply for an extension (申请延期)', inputs.extensionRequestInput, lc.requestExtension],
    ['termination', 'Apply to terminate handling (申请终止)', inputs.reasonInput, lc.requestTermination],
    [
      'hand-down',
      'Hand the assignment down to units beneath (下派): lead + assisting sub-assignments, clocks within this one',
      inputs.handDownInput,
      lc.handDown,
    ],
    // The parent unit's decisions on a sub-assignment it handed down (the path's id is the sub-assignment's)
    ['sub-reply/approve', "Approve a sub-unit's reply (下级答复审核通过): the parent may reply upward using it", inputs.reviewInput, lc.approveSubReply],
    ['sub-reply/reject', "Send a sub-unit's reply back to redo, with a reason", inputs.reasonInput, lc.rejectSubReply],
    [
      'sub-return/approve',
      "Approve a sub-unit's return: the parent re-dispatches within its subtree or returns upward",
      inputs.reviewInput,
      (d: Deps, a: Actor, id: number, i: { version: number; note?: string }) => lc.decideSubReturn(d, a, id, true, i),
    ],
    [
      'sub-return/reject',
      "Reject a sub-unit's return: it keeps the work and is designated",
      inputs.reviewInput,
      (d: Deps, a: Actor, id: number, i: { version: number; note?: string }) => lc.decideSubReturn(d, a, id, false, i),
    ],
    [
      'sub-extension/approve',
      "Approve a sub-unit's extension, within the parent's own deadline",
      inputs.reviewInput,
      (d: Deps, a: Actor, id: number, i: { version: number; note?: string }) => lc.decideSubExtension(d, a, id, true, i),
    ],
    [
      'sub-extension/reject',
      "Reject a sub-unit's extension",
      inputs.reviewInput,
      (d: Deps, a: Actor, id: number, i: { version: number; note?: string }) => lc.decideSubExtension(d, a, id, false, i),
    ],
    ['recall', 'Take a handed-down sub-assignment back (收回), with a reason', inputs.reasonInput, lc.recallSub],
    // biome-ignore lint/suspicious/noExplicitAny: each row pairs its own input schema with its command; route() checks them together
  ] as [string, string, z.ZodType<any>, (d: Deps, a: Actor, id: number, i: any) => Promise<{ ticket: { id: number } }>][]
).map(([path, summaryText, body, run]) =>
  route({
    method: 'post',
    path: `/api/assignments/:id/${path}`,
    summary: summaryText,
    tag: 'lifecycle',
    access: [...UNIT_ROLES],
    params: idParam,
    body,
    handler: async ({ deps, actor, params, body: input }) => {
      const r = await run(deps, actor, params.id, input);
      return { body: await present(deps, actor, r.ticket.id) };
    },
  }),
);
