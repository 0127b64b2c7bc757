import type { Context } from 'koa';
import {
  type BulkResult,
  bulkApproveReply,
  bulkApproveReplyInput,
  bulkDispatch,
  bulkDispatchInput,
  bulkMerge,
  bulkMergeInput,
  tally,
} from '../../domain/tickets/bulk.ts';
import { message, pickLocale } from '../../i18n/messages.ts';
import { route, type AnyRoute } from '../route.ts';

const ANSWER = 'Per ticket, in the order given: { id, ok, status, version } or { id, ok: false, error: { status, code, message, details } }';

/** Each failed ticket's error as its single-ticket endpoint would have answered it, with the message in the caller's language. */
function present(ctx: Context, results: BulkResult[]) {
  const locale = pickLocale(ctx.get('accept-language'));
  return {
    body: {
      ...tally(results),
      results: results.map((r) =>
        r.ok
          ? r
          : {
              id: r.id,
              ok: false,
              error: { status: r.error.status, code: r.error.code, message: message(r.error.code, locale, r.error.params), details: r.error.details },
            },
      ),
    },
  };
}

/** Bulk work at the dispatch desk: every ticket its own transaction; the answer is 200 with one result per ticket. */
export const bulkRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/tickets/bulk/dispatch',
    summary: 'Dispatch several tickets to the same lead and assisting units (批量派单), each in its own transaction',
    tag: 'lifecycle',
    access: ['dispatcher'],
    body: bulkDispatchInput,
    responseDescription: ANSWER,
    handler: async ({ deps, actor, body, ctx }) => present(ctx, await bulkDispatch(deps, actor, body)),
  }),
  route({
    method: 'post',
    path: '/api/tickets/bulk/reply-approve',
    summary: "Approve several lead units' replies as written (批量审核通过), each in its own transaction",
    tag: 'lifecycle',
    access: ['dispatcher'],
    body: bulkApproveReplyInput,
    responseDescription: ANSWER,
    handler: async ({ deps, actor, body, ctx }) => present(ctx, await bulkApproveReply(deps, actor, body)),
  }),
  route({
    method: 'post',
    path: '/api/tickets/bulk/merge',
    summary: 'Merge several tickets into one open ticket (批量并单), each in its own transaction',
    tag: 'lifecycle',
    access: ['dispatcher'],
    body: bulkMergeInput,
    responseDescription: ANSWER,
    handler: async ({ deps, actor, body, ctx }) => present(ctx, await bulkMerge(deps, actor, body)),
  }),
];
