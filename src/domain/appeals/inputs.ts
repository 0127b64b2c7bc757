import { z } from 'zod';
import { APPEAL_REASON_CODES, APPEAL_STATUSES } from '../vocab.ts';

/** Why a unit asks to be exempted: a vocabulary of the contract. */
export { APPEAL_REASON_CODES, type AppealReasonCode } from '../vocab.ts';

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const fileAppealInput = z
  .object({
    reasonCode: z.enum(APPEAL_REASON_CODES),
    reason: text(5, 2000),
    /** Evidence: attachments already uploaded to the ticket */
    attachmentIds: z.array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).max(20).optional(),
  })
  .strict();

export const decideAppealInput = z.object({ note: text(2, 2000) }).strict();

export const listAppealsQuery = z
  .object({
    status: z.enum(APPEAL_STATUSES).optional(),
    unitId: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional(),
    ticketId: bigId.optional(),
    /** 'true': only the pending appeals this user decides (the level above the appealing unit) */
    toDecide: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true'),
    before: bigId.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
