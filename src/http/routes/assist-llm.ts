import { z } from 'zod';
import { REPLY_CHECK_ROLES, SUMMARY_ROLES, checkReply, summariseTicket } from '../../domain/assist/advice.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

const replyCheckBody = z
  .object({
    /** The assignment whose reply to check; unset → the reply under review (the newest top-level lead's with a reply) */
    assignmentId: z.number().int().positive().optional(),
  })
  .strict();

/**
 * The optional language-model hook (docs/assist.md): advice for a person, never the ticket's state. With
 * LLM_BASE_URL unset both answer 404 llm_not_configured (GET /api/assist/status says llm: false, and the web
 * hides the buttons).
 */
export const assistLlmRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/tickets/:id/assist/summary',
    summary: 'A language-model summary of the ticket (advice only; needs LLM_BASE_URL; audited)',
    tag: 'assisted intake',
    access: SUMMARY_ROLES,
    params: idParam,
    responseDescription: '{kind: "summary", ticketId, summary, advisory: true, model, generatedAt}',
    handler: async ({ deps, actor, params }) => ({ body: await summariseTicket(deps, actor, params.id) }),
  }),
  route({
    method: 'post',
    path: '/api/tickets/:id/assist/reply-check',
    summary: "A language model's check of a unit's reply against the demand (答非所问; advice only; needs LLM_BASE_URL; audited)",
    tag: 'assisted intake',
    access: REPLY_CHECK_ROLES,
    params: idParam,
    body: replyCheckBody,
    responseDescription: '{kind: "reply_check", ticketId, assignmentId, verdict: answers|partly|does_not_answer, reason, advisory: true, model, generatedAt}',
    handler: async ({ deps, actor, params, body }) => ({ body: await checkReply(deps, actor, params.id, body) }),
  }),
];
