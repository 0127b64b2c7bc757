/**
 * Which SLA policy governs a ticket (pure). A policy names a category (which covers its whole subtree),
 * an urgency and a channel, each optional. Among the active policies that fit, the most specific wins:
 * the deepest category first, then a named urgency, then a named channel; the policy with all three
 * unset is the fallback. Two equally specific policies cannot both be active (the API refuses it); if
 * they were, the older one would win, so the answer never depends on row order.
 */
import type { Channel, Urgency } from '../vocab.ts';
import { DEFAULT_THRESHOLDS, type SlaTerms } from './clocks.ts';
import type { TimeUnit } from '../calendar/calendar.ts';

export type PolicyKey = { id: number; categoryId: number | null; urgency: Urgency | null; channel: Channel | null; active: boolean };
export type TicketKey = {
  /** The ticket's category and its ancestors, from the root down to the leaf */
  categoryPath: readonly number[];
  urgency: Urgency;
  channel: Channel;
};

/** The specificity of a policy for this ticket, or null when it does not apply. Higher sorts first. */
export function specificity(p: PolicyKey, t: TicketKey): [number, number, number] | null {
  if (!p.active) return null;
  let depth = 0;
  if (p.categoryId !== null) {
    const i = t.categoryPath.indexOf(p.categoryId);
    if (i < 0) return null;
    depth = i + 1;
  }
  if (p.urgency !== null && p.urgency !== t.urgency) return null;
  if (p.channel !== null && p.channel !== t.channel) return null;
  return [depth, p.urgency !== null ? 1 : 0, p.channel !== null ? 1 : 0];
}

export function pickPolicy<P extends PolicyKey>(policies: readonly P[], t: TicketKey): P | null {
  let best: { p: P; s: [number, number, number] } | null = null;
  for (const p of policies) {
    const s = specificity(p, t);
    if (!s) continue;
    if (!best) {
      best = { p, s };
      continue;
    }
    const cmp = s[0] - best.s[0] || s[1] - best.s[1] || s[2] - best.s[2] || best.p.id - p.id;
    if (cmp > 0) best = { p, s };
  }
  return best?.p ?? null;
}

/** The columns of an sla_policies row that carry its terms. */
export type PolicyTermsRow = {
  signLimit: number;
  signUnit: TimeUnit;
  responseLimit: number;
  responseUnit: TimeUnit;
  completeLimit: number;
  completeUnit: TimeUnit;
  counting: { startNextWorkingDay?: boolean; inclusive?: boolean };
  thresholds: { yellow: number; red: number };
  reopenRestartsClock: boolean;
};

/**
 * A stored policy as terms. Counting defaults to 次日起 (the day after receipt is day one); the older
 * `inclusive: true` spelling means 含本数.
 */
export function termsOf(row: PolicyTermsRow): SlaTerms {
  const startNextWorkingDay = row.counting.startNextWorkingDay ?? !row.counting.inclusive;
  return {
    sign: { amount: row.signLimit, unit: row.signUnit },
    response: { amount: row.responseLimit, unit: row.responseUnit },
    complete: { amount: row.completeLimit, unit: row.completeUnit },
    counting: { startNextWorkingDay },
    thresholds: { yellow: row.thresholds?.yellow ?? DEFAULT_THRESHOLDS.yellow, red: row.thresholds?.red ?? DEFAULT_THRESHOLDS.red },
    reopenRestartsClock: row.reopenRestartsClock,
  };
}
