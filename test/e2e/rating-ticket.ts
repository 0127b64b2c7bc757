/** A demo ticket handled to the end (so its caller may rate it), and the rating link its reply's SMS carries. */
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { notifications } from '../../db/schema/index.ts';
import type { App } from './harness.ts';
import { closedAtDonghua } from './closed-ticket.ts';

/** The caller of ticketAtDonghua's tickets (13911112222): the last four digits the look-up asks for. */
export const CALLER_LAST4 = '2222';

/**
 * Closed at 东华街道 (closedAtDonghua: replied, the reply approved, called back satisfied); returns the ticket and
 * the one-time token of the /rate?t=… link in the reply's SMS, read from the outbox table (as the SMS gateway
 * would send it: admins see the token hidden).
 */
export async function ratableAtDonghua(app: App, content: string) {
  const v = await closedAtDonghua(app.api.base, content);
  const outbox = await app.deps.db
    .select({ body: notifications.body })
    .from(notifications)
    .where(and(eq(notifications.ticketId, v.id), eq(notifications.audience, 'citizen')));
  const link = outbox.map((n) => /\/rate\?t=([^\s&]+)/.exec(n.body)).find((m) => m !== null);
  expect(link, `a /rate?t= link in the citizen's SMS: ${JSON.stringify(outbox.map((n) => n.body))}`).toBeTruthy();
  return { v, token: decodeURIComponent(link![1]!) };
}

/** Rates as the citizen through the public API (no session), as the SMS link's page would. */
export async function rateByToken(base: string, token: string, level: string, comment?: string) {
  const r = await fetch(`${base}/api/public/ratings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, level, ...(comment ? { comment } : {}) }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
  return r.json() as Promise<{ number: string; round: number; level: string; createdAt: string }>;
}
