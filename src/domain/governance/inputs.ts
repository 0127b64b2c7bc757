import { z } from 'zod';
import { TOPIC_STATUSES } from './status.ts';

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ticketIds = z.array(bigId).min(1).max(500);

export const topicIdParam = z.object({ id: intId });
export const topicTicketParam = z.object({ id: intId, ticketId: bigId });

/** Where a topic came from: a hotspot the dashboard listed, or a supervisor's own judgement. */
export const topicSource = z
  .object({
    kind: z.enum(['spike', 'caller', 'address', 'linked', 'manual']),
    /** e.g. the spike's window and counts, the repeat's masked key — shown as recorded */
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const openTopicInput = z
  .object({
    title: text(2, 200),
    description: text(0, 4000).default(''),
    ownerUnitId: intId.optional(),
    categoryId: intId.optional(),
    streetUnitId: intId.optional(),
    source: topicSource.default({ kind: 'manual' }),
    /** Tickets to link at once (a hotspot's tickets) */
    ticketIds: z.array(bigId).max(500).default([]),
  })
  .strict();
export type OpenTopicInput = z.infer<typeof openTopicInput>;

export const updateTopicInput = z
  .object({
    version: z.number().int().positive(),
    title: text(2, 200).optional(),
    description: text(0, 4000).optional(),
    /** null: no owner unit (yet) */
    ownerUnitId: intId.nullable().optional(),
  })
  .strict();
export type UpdateTopicInput = z.infer<typeof updateTopicInput>;

export const linkTicketsInput = z.object({ ticketIds }).strict();
export const transitionInput = z.object({ version: z.number().int().positive(), note: text(0, 4000).optional() }).strict();
export const noteInput = z.object({ text: text(1, 4000) }).strict();

export const listTopicsQuery = z
  .object({
    status: z.enum(TOPIC_STATUSES).optional(),
    /** Topics that link this ticket */
    ticketId: bigId.optional(),
    before: intId.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ListTopicsQuery = z.infer<typeof listTopicsQuery>;
