import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { messageTemplates } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import { DEFAULT_TEMPLATES } from './outbox.ts';

/**
 * The placeholders each template is rendered with: what its enqueue point passes. An edited body may use
 * only these — an unknown one would be sent to citizens as an empty gap.
 */
export const TEMPLATE_PARAMS: Record<string, readonly string[]> = {
  intake_receipt: ['number', 'lookupUrl'],
  reply_notice: ['number', 'reply', 'lookupUrl', 'rateUrl'],
  rating_answer: ['number', 'answer'],
  extension_notice: ['number', 'dueAt', 'lookupUrl'],
  unit_dispatch: ['number', 'title', 'unitName', 'role'],
  unit_warning: ['number', 'clock', 'level', 'dueAt'],
  supervision_escalated: ['number', 'unitName', 'clock'],
};

export const TEMPLATE_KEYS = Object.keys(DEFAULT_TEMPLATES);

export function placeholdersOf(body: string): string[] {
  return [...new Set([...body.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))];
}

/** Every template with its current body (edited or default) and the placeholders it may use. */
export async function listTemplates(db: Db) {
  const rows = await db.select().from(messageTemplates);
  const edited = new Map(rows.map((r) => [r.key, r]));
  return TEMPLATE_KEYS.map((key) => {
    const row = edited.get(key);
    return {
      key,
      body: row?.body ?? DEFAULT_TEMPLATES[key]!,
      defaultBody: DEFAULT_TEMPLATES[key]!,
      edited: !!row,
      placeholders: [...(TEMPLATE_PARAMS[key] ?? [])],
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  });
}

/** Replace a template's body; messages queued from now on use it (already queued ones keep their text). Audited. */
export async function updateTemplate(deps: DbClockDeps, actor: Actor, key: string, body: string) {
  if (!TEMPLATE_KEYS.includes(key)) throw new NotFoundError('template_not_found', { key });
  const allowed = TEMPLATE_PARAMS[key] ?? [];
  const unknown = placeholdersOf(body).filter((p) => !allowed.includes(p));
  if (unknown.length) {
    throw new UnprocessableError(
      'template_placeholder_unknown',
      { placeholders: unknown.map((p) => `{${p}}`).join(' '), allowed: allowed.map((p) => `{${p}}`).join(' ') },
      { unknown, allowed },
    );
  }
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [before] = await tx.select().from(messageTemplates).where(eq(messageTemplates.key, key)).for('update');
    await tx
      .insert(messageTemplates)
      .values({ key, body, updatedAt: now })
      .onConflictDoUpdate({ target: messageTemplates.key, set: { body, updatedAt: now } });
    await audit(
      tx as unknown as Db,
      actor,
      'message_template_updated',
      { type: 'message_template', id: key },
      { before: before?.body ?? DEFAULT_TEMPLATES[key], after: body },
    );
  });
  return (await listTemplates(deps.db)).find((t) => t.key === key)!;
}
