import { badReviewInput, submitBadReview } from '../../domain/tickets/commands/bad-review.ts';
import { presentTicket } from '../../domain/tickets/presenter.ts';
import { route, type AnyRoute } from '../route.ts';

/** The 政务服务"好差评" system's door: a 差评 becomes a ticket on channel bad_review, idempotent on the review's reference. */
export const badReviewRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/bad-reviews',
    summary:
      'A bad review (差评: 不满意 or 非常不满意) from the 好差评 system becomes a ticket on channel bad_review, then handled like any ticket; posting the same reference again answers the same ticket (200, Idempotent-Replayed), a different review under that reference is 409',
    tag: 'intake',
    access: ['intake_client'],
    body: badReviewInput,
    status: 201,
    responseDescription: 'The ticket the review became',
    handler: async ({ deps, actor, body }) => {
      const r = await submitBadReview(deps, actor, body);
      const view = await presentTicket(deps.db, actor, r.ticket, deps.clock.now(), r.known);
      return {
        status: r.replayed ? 200 : 201,
        body: view,
        headers: { ...(r.replayed ? { 'Idempotent-Replayed': 'true' } : {}), Location: `/api/tickets/${r.ticket.id}` },
      };
    },
  }),
];
