/**
 * Bad reviews from the 政务服务"好差评" system arrive as tickets: an external system (an intake client's token)
 * posts a 差评 with its own reference; the ticket (channel `bad_review`) is then handled like any other —
 * dispatched, handled, replied to, called back. The reference makes the post idempotent: the same review
 * posted again answers the ticket it created; the same reference with a different review is refused.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { categories } from '../../../../db/schema/index.ts';
import type { WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { ConflictError, UnprocessableError } from '../../errors.ts';
import { phone } from '../inputs.ts';
import { createTicket, type IntakeDeps, type IntakeResult } from './intake.ts';

/** The two bad grades of the national five (非常满意 … 非常不满意): only these are 差评. */
export const BAD_REVIEW_RATINGS = { dissatisfied: '不满意', very_dissatisfied: '非常不满意' } as const;

export const badReviewInput = z
  .object({
    /** the 好差评 system's own id of the review (idempotency) */
    reference: z.string().trim().min(1).max(64),
    rating: z.enum(Object.keys(BAD_REVIEW_RATINGS) as ['dissatisfied', 'very_dissatisfied']),
    /** what the citizen wrote */
    comment: z.string().trim().min(5).max(2000),
    /** the service or matter rated (e.g. 不动产登记) */
    service: z.string().trim().min(2).max(200),
    /** the hall, department or window rated */
    department: z.string().trim().min(2).max(100).optional(),
    /** when the citizen rated (ISO 8601) */
    ratedAt: z.string().datetime({ offset: true }).optional(),
    caller: z.object({ name: z.string().trim().min(1).max(50).optional(), phone }).strict(),
    /** the category to file it under; default: the leaf named BAD_REVIEW_CATEGORY */
    categoryId: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional(),
    address: z.string().trim().min(2).max(200).optional(),
  })
  .strict();
export type BadReviewInput = z.infer<typeof badReviewInput>;

/** The active leaf category named `name` (the configured home of bad reviews), or null. */
async function defaultCategory(deps: IntakeDeps, name: string): Promise<number | null> {
  const [c] = await deps.db
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.name, name), eq(categories.active, true), sql`not exists (select 1 from ${categories} k where k.parent_id = ${categories.id})`))
    .limit(1);
  return c?.id ?? null;
}

/** The ticket's text: the review's facts first, then the citizen's words. */
const contentOf = (r: BadReviewInput) =>
  `${[
    `【好差评差评】评价等级：${BAD_REVIEW_RATINGS[r.rating]}`,
    `评价事项：${r.service}`,
    ...(r.department ? [`评价对象：${r.department}`] : []),
    ...(r.ratedAt ? [`评价时间：${r.ratedAt}`] : []),
    `评价编号：${r.reference}`,
  ].join('；')}。市民评价：${r.comment}`;

export async function submitBadReview(deps: IntakeDeps & WithConfig<'BAD_REVIEW_CATEGORY'>, actor: Actor, r: BadReviewInput): Promise<IntakeResult> {
  const categoryId = r.categoryId ?? (await defaultCategory(deps, deps.config.BAD_REVIEW_CATEGORY));
  if (categoryId === null) throw new UnprocessableError('bad_review_category_unset', { name: deps.config.BAD_REVIEW_CATEGORY });
  try {
    return await createTicket(
      deps,
      actor,
      {
        type: 'complaint',
        urgency: 'normal',
        categoryId,
        title: `好差评差评：${r.service}`.slice(0, 100),
        content: contentOf(r).slice(0, 4000),
        address: r.address,
        caller: { name: r.caller.name, phone: r.caller.phone },
        confidential: false,
        allowDirectContact: false,
        disposition: { kind: 'dispatch' },
      },
      { idempotencyKey: `bad-review:${r.reference}`, channel: 'bad_review' },
    );
  } catch (err) {
    if (err instanceof UnprocessableError && err.code === 'idempotency_key_reused')
      throw new ConflictError('bad_review_reference_reused', { reference: r.reference });
    throw err;
  }
}
