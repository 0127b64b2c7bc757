import { z } from 'zod';
import type { Context } from 'koa';
import type { Deps } from '../../deps.ts';
import { DomainError } from '../../domain/errors.ts';
import { publicLookup } from '../../domain/tickets/lookup.ts';
import { RateLimiter } from '../rate-limit.ts';
import { route, type AnyRoute } from '../route.ts';

/** Look-ups allowed per minute, per client address and per ticket number (last4 has only 10,000 values). */
export const LOOKUP_LIMIT_PER_MINUTE = 10;

// One pair of limiters per app's deps, so two apps in one process (tests) do not share counts.
const limiters = new WeakMap<Deps, { ip: RateLimiter; number: RateLimiter }>();
function limitersOf(deps: Deps) {
  let l = limiters.get(deps);
  if (!l) {
    l = { ip: new RateLimiter(LOOKUP_LIMIT_PER_MINUTE, 60_000), number: new RateLimiter(LOOKUP_LIMIT_PER_MINUTE, 60_000) };
    limiters.set(deps, l);
  }
  return l;
}

function rateLimit(deps: Deps, ctx: Context, number: string) {
  const l = limitersOf(deps);
  const now = deps.clock.now().getTime();
  // Both windows count every attempt, so guessing last4 for one number stays slow from any number of addresses.
  const results = [l.ip.hit(`ip:${ctx.ip}`, now), l.number.hit(`n:${number}`, now)];
  const refused = results.filter((r) => !r.ok) as { retryAfterSeconds: number }[];
  if (refused.length) {
    const seconds = Math.max(...refused.map((r) => r.retryAfterSeconds));
    ctx.set('Retry-After', String(seconds));
    throw new DomainError('rate_limited', 429, { seconds });
  }
}

export const publicRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/public/lookup',
    summary:
      'Citizen look-up (no sign-in): ticket number + last four digits of the phone → status, category, times, public progress and the public reply. ' +
      `No personal data. A wrong last4 is the same 404 as an unknown number. Rate-limited to ${LOOKUP_LIMIT_PER_MINUTE}/min per address and per number (429 rate_limited with Retry-After).`,
    tag: 'public',
    access: 'public',
    query: z.object({
      number: z
        .string()
        .trim()
        .regex(/^\d{8}-?\d{6,}$/, '工单号格式为 YYYYMMDD-NNNNNN（短横线可省略）')
        // typed without its dash (as read out over the phone, or from an SMS that broke it): the stored form has one
        .transform((n) => (n.includes('-') ? n : `${n.slice(0, 8)}-${n.slice(8)}`)),
      last4: z
        .string()
        .trim()
        .regex(/^\d{4}$/, '请输入手机号后四位数字'),
    }),
    responseDescription: 'The public view of the ticket',
    handler: async ({ deps, query, ctx }) => {
      rateLimit(deps, ctx, query.number);
      return { body: await publicLookup(deps.db, query.number, query.last4) };
    },
  }),
];
