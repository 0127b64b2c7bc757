/**
 * Bulk work at the dispatch desk (批量派单, 批量审核通过, 批量并单): the same single-ticket commands, one after
 * another, each in its own transaction. A ticket that fails (stale version, wrong status, not visible) fails
 * alone with its own error code; the ones before and after it are not touched by its failure.
 */
import { z } from 'zod';
import type { CalendarTxDeps, Deps, WithConfig } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import type { CentreLimits } from '../centre/clocks.ts';
import { DomainError } from '../errors.ts';
import { dispatchInput, version } from './inputs.ts';
import { dispatchTicket, mergeTicket, reviewReply } from './commands/lifecycle.ts';
import type { TriageStartConfig } from './triage-clocks.ts';

/** At most this many tickets in one request: a batch is a desk's screenful, not an import. */
export const BULK_MAX = 100;

const bigId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ticketRef = z.object({ id: bigId, version }).strict();
const ticketRefs = z
  .array(ticketRef)
  .min(1)
  .max(BULK_MAX)
  .refine((xs) => new Set(xs.map((x) => x.id)).size === xs.length, { message: 'each ticket at most once' });

export const bulkDispatchInput = z
  .object({
    tickets: ticketRefs,
    leadUnitId: dispatchInput.shape.leadUnitId,
    assistUnitIds: dispatchInput.shape.assistUnitIds,
    designate: dispatchInput.shape.designate,
    note: dispatchInput.shape.note,
  })
  .strict();
export const bulkApproveReplyInput = z.object({ tickets: ticketRefs, note: z.string().trim().max(2000).optional() }).strict();
export const bulkMergeInput = z.object({ intoTicketId: bigId, tickets: ticketRefs }).strict();

export type BulkDispatch = z.infer<typeof bulkDispatchInput>;
export type BulkApproveReply = z.infer<typeof bulkApproveReplyInput>;
export type BulkMerge = z.infer<typeof bulkMergeInput>;

/** One ticket's outcome: its new status and version, or the error its single-ticket endpoint would have answered. */
export type BulkResult =
  | { id: number; ok: true; status: string; version: number }
  | { id: number; ok: false; error: { status: number; code: string; params: Record<string, unknown>; details: Record<string, unknown> } };

type BulkDeps = CalendarTxDeps & Pick<Deps, 'logger'> & WithConfig<keyof CentreLimits | TriageStartConfig | 'PUBLIC_BASE_URL' | 'RATING_LINK_DAYS'>;

/**
 * Runs `one` per ticket, in the order given, never two at once (so two tickets of a batch never wait on each
 * other's locks). Domain errors become that ticket's result; anything else is logged and reported as
 * `bulk_item_failed` for that ticket, since the tickets before it are already committed.
 */
async function eachTicket(
  deps: Pick<Deps, 'logger'>,
  refs: { id: number; version: number }[],
  one: (ref: { id: number; version: number }) => Promise<{ status: string; version: number }>,
): Promise<BulkResult[]> {
  const out: BulkResult[] = [];
  for (const ref of refs) {
    try {
      const t = await one(ref);
      out.push({ id: ref.id, ok: true, status: t.status, version: t.version });
    } catch (err) {
      if (err instanceof DomainError) {
        out.push({ id: ref.id, ok: false, error: { status: err.status, code: err.code, params: err.params, details: err.details } });
        continue;
      }
      deps.logger.error({ err, ticketId: ref.id }, 'bulk item failed');
      out.push({ id: ref.id, ok: false, error: { status: 500, code: 'bulk_item_failed', params: {}, details: {} } });
    }
  }
  return out;
}

/** 批量派单: every ticket to the same lead and assisting units. */
export function bulkDispatch(deps: BulkDeps, actor: Actor, input: BulkDispatch) {
  const { tickets, ...units } = input;
  return eachTicket(deps, tickets, (ref) => dispatchTicket(deps, actor, ref.id, { ...units, version: ref.version }));
}

/** 批量审核通过: each lead unit's reply approved as written (the public reply defaults to it). */
export function bulkApproveReply(deps: BulkDeps, actor: Actor, input: BulkApproveReply) {
  return eachTicket(deps, input.tickets, (ref) => reviewReply(deps, actor, ref.id, true, { version: ref.version, note: input.note }));
}

/** 批量并单: every ticket merged into one open ticket (the target itself in the list fails alone, merge_target_invalid). */
export function bulkMerge(deps: BulkDeps, actor: Actor, input: BulkMerge) {
  return eachTicket(deps, input.tickets, (ref) => mergeTicket(deps, actor, ref.id, { version: ref.version, intoTicketId: input.intoTicketId }));
}

/** How many of a batch went through, for the audit-free summary line the desk shows. */
export const tally = (results: BulkResult[]) => ({ ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length });
