import type { Context } from 'koa';
import type { Deps } from '../../deps.ts';
import { DomainError, NotFoundError } from '../../domain/errors.ts';
import {
  appealVerificationInput,
  decideVerificationInput,
  linkQuery,
  listVerificationsQuery,
  rateInput,
  rectifyVerificationInput,
} from '../../domain/ratings/inputs.ts';
import { getVerification, listVerifications } from '../../domain/ratings/queries.ts';
import { rateHandling, ratingLinkState } from '../../domain/ratings/rate.ts';
import { verificationsAwaitingCalendar } from '../../domain/ratings/sweep.ts';
import { appealVerification, decideVerification, rectifyVerification } from '../../domain/ratings/verification.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { CENTRE_ROLES, UNIT_ROLES } from '../../domain/vocab.ts';
import { RateLimiter } from '../rate-limit.ts';
import { route, type AnyRoute } from '../route.ts';

/** Ratings (and link checks) allowed per minute per client address; a ticket takes one rating per round anyway. */
export const RATING_LIMIT_PER_MINUTE = 10;
const limiters = new WeakMap<Deps, RateLimiter>();
function rateLimit(deps: Deps, ctx: Context) {
  let l = limiters.get(deps);
  if (!l) limiters.set(deps, (l = new RateLimiter(RATING_LIMIT_PER_MINUTE, 60_000)));
  const r = l.hit(`ip:${ctx.ip}`, deps.clock.now().getTime());
  if (!r.ok) {
    ctx.set('Retry-After', String(r.retryAfterSeconds));
    throw new DomainError('rate_limited', 429, { seconds: r.retryAfterSeconds });
  }
}

const READERS = [...CENTRE_ROLES, ...UNIT_ROLES].filter((r) => r !== 'operator' && r !== 'window_clerk');

export const ratingRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/public/ratings/link',
    summary: `The rating page's view of a one-time link (no sign-in): ticket number, status, round and whether it may still be rated. Nothing personal. Rate-limited (${RATING_LIMIT_PER_MINUTE}/min per address)`,
    tag: 'public',
    access: 'public',
    query: linkQuery,
    handler: async ({ deps, query, ctx }) => {
      rateLimit(deps, ctx);
      return { body: await ratingLinkState(deps, query.token) };
    },
  }),
  route({
    method: 'post',
    path: '/api/public/ratings',
    summary:
      'The caller rates the handling (好差评, no sign-in) on the five national levels, once per handling round: with the one-time link from the reply notice ({token}) or from the look-up page ({number, last4}). ' +
      `A bad rating (不满意, 非常不满意) opens a verification at the centre. 409 rating_already_given / rating_not_open; rate-limited (${RATING_LIMIT_PER_MINUTE}/min per address)`,
    tag: 'public',
    access: 'public',
    body: rateInput,
    status: 201,
    handler: async ({ deps, body, ctx }) => {
      rateLimit(deps, ctx);
      return { status: 201, body: await rateHandling(deps, { ...body, comment: body.comment || null }) };
    },
  }),
  route({
    method: 'get',
    path: '/api/rating-verifications',
    summary: 'Verifications of bad ratings (差评核实), newest first (keyset with ?before=): the centre sees all, a unit its own and its subtree',
    tag: 'ratings',
    access: READERS,
    query: listVerificationsQuery,
    handler: async ({ deps, actor, query }) => ({
      body: { ...(await listVerifications(deps.db, actor, query)), awaitingCalendar: await verificationsAwaitingCalendar(deps.db) },
    }),
  }),
  route({
    method: 'get',
    path: '/api/rating-verifications/:id',
    summary: 'One verification',
    tag: 'ratings',
    access: READERS,
    params: idParam,
    handler: async ({ deps, actor, params }) => {
      const v = await getVerification(deps.db, actor, params.id);
      if (!v) throw new NotFoundError('verification_not_found');
      return { body: v };
    },
  }),
  route({
    method: 'post',
    path: '/api/rating-verifications/:id/appeal',
    summary: 'The rated unit’s leader contests a bad rating while it is being verified, with a reason and evidence (the ticket’s attachments)',
    tag: 'ratings',
    access: ['unit_leader'],
    params: idParam,
    body: appealVerificationInput,
    handler: async ({ deps, actor, params, body }) => {
      await appealVerification(deps, actor, params.id, body);
      return { body: await getVerification(deps.db, actor, params.id) };
    },
  }),
  route({
    method: 'post',
    path: '/api/rating-verifications/:id/decision',
    summary: `A supervisor confirms the bad rating (the unit rectifies and answers the caller within the configured working days) or dismisses it (不予认定: out of 好评率 and 差评率)`,
    tag: 'ratings',
    access: ['supervisor'],
    params: idParam,
    body: decideVerificationInput,
    handler: async ({ deps, actor, params, body }) => {
      await decideVerification(deps, actor, params.id, body);
      return { body: await getVerification(deps.db, actor, params.id) };
    },
  }),
  route({
    method: 'post',
    path: '/api/rating-verifications/:id/rectification',
    summary: 'The rated unit records its rectification and its answer to the caller (sent by SMS to a mobile); on time when by the rectification deadline',
    tag: 'ratings',
    access: ['unit_leader', 'unit_handler'],
    params: idParam,
    body: rectifyVerificationInput,
    handler: async ({ deps, actor, params, body }) => {
      await rectifyVerification(deps, actor, params.id, body);
      return { body: await getVerification(deps.db, actor, params.id) };
    },
  }),
];
