/**
 * When a unit says it contacted the caller (联系诉求人). The first contact stops the response clock at the
 * time *claimed*, so a claim must be believable: not before the ticket reached the unit, not in the future,
 * and — when it lies more than CONTACT_BACKDATE_HOURS before it is recorded (补录) — explained. The time
 * recorded is kept beside the claim, so a late entry stays visible to the centre and to the metrics.
 */
import { shanghaiMinute } from '../clock.ts';
import { UnprocessableError } from '../errors.ts';

/**
 * A claim up to this far ahead of the server's clock is taken as "now": an integration that stamps its own
 * clock a few seconds fast is not refused. Anything later is a time in the future.
 */
export const CONTACT_CLOCK_SKEW_MS = 60_000;

export type ContactClaim = {
  /** When the unit says it reached the caller */
  contactedAt: Date;
  /** When the unit recorded it */
  recordedAt: Date;
  /** Why it was recorded late (required beyond the backdate limit, kept whenever given) */
  backdateReason: string | null;
};

/** Checks a claimed contact time against the assignment's dispatch, now and the backdate limit. */
export function contactClaim(
  input: { contactedAt?: string; backdateReason?: string },
  assignment: { dispatchedAt: Date },
  now: Date,
  backdateHours: number,
): ContactClaim {
  const claimed = input.contactedAt ? new Date(input.contactedAt) : now;
  const at = shanghaiMinute(claimed);
  if (claimed.getTime() > now.getTime() + CONTACT_CLOCK_SKEW_MS) throw new UnprocessableError('contact_time_in_future', { at, now: shanghaiMinute(now) });
  const contactedAt = claimed > now ? now : claimed;
  if (contactedAt < assignment.dispatchedAt) {
    throw new UnprocessableError(
      'contact_before_dispatch',
      { at, dispatchedAt: shanghaiMinute(assignment.dispatchedAt) },
      { dispatchedAt: assignment.dispatchedAt.toISOString() },
    );
  }
  const reason = input.backdateReason?.trim() || null;
  if (now.getTime() - contactedAt.getTime() > backdateHours * 3600_000 && !reason) {
    throw new UnprocessableError('contact_backdate_reason_required', { at, hours: backdateHours }, { backdateHours });
  }
  return { contactedAt, recordedAt: now, backdateReason: reason };
}
