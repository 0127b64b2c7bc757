import { z } from 'zod';
import { MOBILE, normalisePhone } from '../../contract/phone.ts';
import { TICKET_STATUSES } from './status.ts';
import { CHANNELS, CONTACT_METHODS, EMERGENCY_LINES, SATISFACTIONS, SOLVED_RESULTS, TICKET_TYPES, URGENCIES, WINDOW_REASONS } from '../vocab.ts';

/** A caller's number, normalised as the contract says (src/contract/phone.ts): the operator's screen does the same. */
export const phone = z
  .string()
  .trim()
  .refine((s) => normalisePhone(s) !== null, { message: '请输入有效的手机号（11位）或座机号（区号-号码）' })
  .transform((s) => normalisePhone(s)!);

export function maskPhone(p: string): string {
  if (MOBILE.test(p)) return `${p.slice(0, 3)}****${p.slice(7)}`;
  const digits = p.replace(/\D/g, '');
  return digits.length > 4 ? `${'*'.repeat(Math.max(0, p.length - 4))}${p.slice(-4)}` : '****';
}

const text = (min: number, max: number) => z.string().trim().min(min).max(max);
const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const version = z.number().int().positive();

export const idParam = z.object({ id: bigId });
export { id as unitIdSchema };

const caller = z.object({
  name: text(1, 50).optional(),
  phone,
  gender: z.enum(['male', 'female', 'unknown']).optional(),
});

const disposition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatch') }),
  z.object({ kind: z.literal('direct_answer'), kbArticleId: id, answer: text(2, 2000) }),
  z.object({ kind: z.literal('emergency_transfer'), transferredTo: z.enum(EMERGENCY_LINES), note: text(0, 500).optional() }),
  z.object({ kind: z.literal('not_accepted'), reason: text(2, 500) }),
  /** 并单: link this contact to an existing open ticket; no new ticket. */
  z.object({ kind: z.literal('repeat'), ticketId: bigId }),
]);

export const createTicketInput = z
  .object({
    type: z.enum(TICKET_TYPES),
    urgency: z.enum(URGENCIES).default('normal'),
    categoryId: id,
    title: text(2, 100).optional(),
    content: text(10, 4000),
    address: text(2, 200).optional(),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    streetUnitId: id.optional(),
    caller,
    confidential: z.boolean().default(false),
    allowDirectContact: z.boolean().default(false),
    /** The "办不成事" window's fields; required from window clerks. */
    window: z
      .object({
        matter: text(2, 200),
        hallDepartment: text(2, 100),
        reason: z.enum(WINDOW_REASONS),
      })
      .optional(),
    disposition: disposition.default({ kind: 'dispatch' }),
    /** Assisted intake (docs/assist.md): the suggestion shown (POST /api/assist/suggest) and the rank of the category taken from it */
    assistSuggestionId: bigId.optional(),
    assistAcceptedRank: z.number().int().min(1).max(3).nullable().optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), { message: 'lat 与 lng 需同时提供', path: ['lng'] })
  .refine((v) => !(v.confidential && v.allowDirectContact), {
    message: '保密件不能同时允许承办单位直接联系诉求人',
    path: ['allowDirectContact'],
  });
export type CreateTicketInput = z.infer<typeof createTicketInput>;

/** A comma-separated filter whose every value is in `allowed` (an unknown enum value would be a database error). */
export const commaList = (allowed: readonly string[], max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => s.split(',').every((v) => !v || allowed.includes(v)), { message: `one or more of: ${allowed.join(', ')}` });

export const listTicketsQuery = z.object({
  status: commaList(TICKET_STATUSES, 200).optional(),
  channel: commaList(CHANNELS, 100).optional(),
  number: z.string().max(40).optional(),
  q: z.string().max(100).optional(),
  mine: z.enum(['true', 'false']).optional(),
  /** keyset cursor: id of the last ticket of the previous page */
  before: bigId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const callerHistoryQuery = z.object({ phone, limit: z.coerce.number().int().min(1).max(100).default(20) });

export const hintsQuery = z.object({
  phone: phone.optional(),
  categoryId: id.optional(),
  address: z.string().trim().max(200).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lng: z.coerce.number().min(-180).max(180).optional(),
  /** The demand in hand: with it, the same matter from other callers is hinted too (similar_demand); a long text is cut */
  title: z.string().trim().max(200).optional(),
  content: z
    .string()
    .trim()
    .transform((s) => [...s].slice(0, 1000).join(''))
    .optional(),
  streetUnitId: id.optional(),
});

// ---- lifecycle inputs: one per transition ----
const versioned = <T extends z.ZodRawShape>(shape: T) => z.object({ version, ...shape }).strict();

export const dispatchInput = versioned({
  leadUnitId: id,
  assistUnitIds: z.array(id).max(20).default([]),
  /** 指定承办: the lead may not return the ticket */
  designate: z.boolean().default(false),
  note: text(0, 1000).optional(),
});
export const reasonInput = versioned({ reason: text(2, 2000) });
/** 下派: to units beneath the holder's, lead first; the note goes to the sub-units */
export const handDownInput = versioned({
  leadUnitId: id,
  assistUnitIds: z.array(id).max(20).default([]),
  note: text(0, 1000).optional(),
  /** 下派办结时限: the sub-units' completion deadline, set by the parent (not after its own) */
  completeDueAt: z.iso.datetime({ offset: true }).optional(),
});
export const declineInput = reasonInput;
export const mergeInput = versioned({ intoTicketId: bigId });
export const signInput = versioned({});
export const contactInput = versioned({
  method: z.enum(CONTACT_METHODS),
  summary: text(2, 2000),
  /** When the caller was reached (default: now); not before the dispatch, not in the future */
  contactedAt: z.iso.datetime({ offset: true }).optional(),
  /** 补录原因: required when contactedAt lies more than CONTACT_BACKDATE_HOURS before now */
  backdateReason: text(2, 500).optional(),
});
export const noteInput = versioned({ text: text(1, 4000) });
export const replyInput = versioned({ content: text(10, 4000) });
export const extensionRequestInput = versioned({
  reason: text(2, 2000),
  requestedDueAt: z.iso.datetime({ offset: true }),
});
export const reviewInput = versioned({ note: text(0, 2000).optional() });
export const approveReplyInput = versioned({
  note: text(0, 2000).optional(),
  /** The text the citizen sees; defaults to the lead unit's reply. */
  publicReply: text(2, 4000).optional(),
});
export const approveExtensionInput = versioned({
  note: text(0, 2000).optional(),
  /** Defaults to the deadline the unit asked for. */
  newDueAt: z.iso.datetime({ offset: true }).optional(),
});
export const callbackInput = z
  .object({
    version,
    reached: z.boolean(),
    solved: z.enum(SOLVED_RESULTS).optional(),
    satisfaction: z.enum(SATISFACTIONS).optional(),
    comment: text(0, 2000).optional(),
  })
  .strict()
  .refine((v) => !v.reached || (v.solved && v.satisfaction), {
    message: '接通后须记录是否解决和满意度',
    path: ['satisfaction'],
  });
export const closeInput = versioned({ note: text(2, 2000) });
