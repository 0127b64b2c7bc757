import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { contacts, idempotencyKeys, kbArticles, referenceVersion, tickets } from '../../../../db/schema/index.ts';
import type { Deps } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { shanghaiDate } from '../../clock.ts';
import { ForbiddenError, UnprocessableError, ValidationError } from '../../errors.ts';
import type { Channel, CloseReason } from '../../vocab.ts';
import { isUniqueViolation } from '../../db-errors.ts';
import type { CreateTicketInput } from '../inputs.ts';
import { loadTicket, rowsOf, type TicketRow } from '../queries.ts';
import { inTransaction } from '../record.ts';
import { lockOpenTarget, recordLinkedInto } from '../link.ts';
import { notifyIntakeReceipt } from '../../notifications/notices.ts';
import { autoDispatch } from '../../routing/auto-dispatch.ts';
import { ticketPlace } from '../../routing/locate.ts';
import { categoryAncestry, withReferences, type References } from '../../reference.ts';
import type { PresentKnown } from '../presenter.ts';

const CHANNEL_OF_ROLE: Partial<Record<Actor['role'], Channel>> = {
  operator: 'phone',
  window_clerk: 'window',
  intake_client: 'online',
};

export type IntakeResult = {
  ticket: TicketRow;
  contactId: number;
  /** true when the contact was linked to an existing ticket (并单) */
  linked: boolean;
  /** true when an Idempotency-Key replay returned the earlier result */
  replayed: boolean;
  /** For a ticket created by this call: what the presenter need not read back. */
  known?: PresentKnown;
};

/** Key-sorted JSON, so the same request hashes the same whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Readable numbers: the Asia/Shanghai date and that day's counter, taken outside the intake transaction
 * so the counter row is locked only for a moment (a rolled-back intake leaves a gap, never a duplicate). */
export async function nextTicketNumber(db: Db, now: Date): Promise<string> {
  const day = shanghaiDate(now);
  const result = await db.execute<{ last: number }>(sql`
    insert into ticket_number_counters (day, last) values (${day}, 1)
    on conflict (day) do update set last = ticket_number_counters.last + 1
    returning last`);
  const n = Number(rowsOf<{ last: number }>(result)[0]!.last);
  return `${day.replace(/-/g, '')}-${String(n).padStart(6, '0')}`;
}

type IdempotencyRow = typeof idempotencyKeys.$inferSelect;

async function replay(deps: Deps, actor: Actor, key: string, hash: string, known?: IdempotencyRow | null): Promise<IntakeResult | null> {
  const [row] =
    known !== undefined
      ? known
        ? [known]
        : []
      : await deps.db
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key)));
  if (!row) return null;
  if (row.requestHash !== hash) throw new UnprocessableError('idempotency_key_reused');
  const ticket = await loadTicket(deps.db, actor, row.ticketId).catch(async () => {
    // The client may no longer be able to read it (e.g. a repeat linked elsewhere); return it unscoped.
    const [t] = await deps.db.select().from(tickets).where(eq(tickets.id, row.ticketId));
    return t!;
  });
  return { ticket, contactId: row.contactId ?? 0, linked: row.linked, replayed: true };
}

/** The category must be an active leaf, the street unit active, from the cached reference data; the article from the database. */
async function checkReferences(db: Db, refs: References, input: CreateTicketInput) {
  const cat = refs.categories.get(input.categoryId);
  if (!cat || !cat.active || cat.hasChildren) throw new UnprocessableError('category_unknown', { categoryId: input.categoryId });
  if (input.disposition.kind === 'direct_answer') {
    const id = input.disposition.kbArticleId;
    const [a] = await db.select({ id: kbArticles.id }).from(kbArticles).where(and(eq(kbArticles.id, id), eq(kbArticles.active, true)));
    if (!a) throw new UnprocessableError('kb_article_unknown', { articleId: id });
  }
  if (input.streetUnitId && !refs.units.get(input.streetUnitId)?.active) throw new UnprocessableError('unit_unknown', { unitId: input.streetUnitId });
}

const CLOSED_BY: Record<Exclude<CreateTicketInput['disposition']['kind'], 'dispatch' | 'repeat'>, CloseReason> = {
  direct_answer: 'direct_answer',
  emergency_transfer: 'emergency_transfer',
  not_accepted: 'not_accepted',
};

/**
 * Intake: a call (operator), a window complaint (clerk) or an online submission (intake client)
 * becomes a ticket — dispatched later, or closed at once as a direct answer, emergency transfer or
 * not accepted — or, as a repeat (并单), a contact linked to an existing open ticket.
 */
export async function createTicket(
  deps: Deps,
  actor: Actor,
  input: CreateTicketInput,
  opts: { idempotencyKey?: string; channel?: Extract<Channel, 'online' | 'open311'> } = {},
): Promise<IntakeResult> {
  // An intake client is a gateway that says which public door a request came through (its portal, Open311);
  // staff channels follow from the role.
  if (opts.channel && actor.role !== 'intake_client') throw new ForbiddenError();
  const channel = opts.channel ?? CHANNEL_OF_ROLE[actor.role]!;
  if (channel === 'window' && !input.window) {
    throw new ValidationError([{ path: 'body.window', code: 'required', message: '窗口登记须填写未办成事项、大厅部门和原因' }]);
  }
  if (channel !== 'window' && input.window) {
    throw new ValidationError([{ path: 'body.window', code: 'not_allowed', message: '只有“办不成事”窗口可以登记窗口字段' }]);
  }
  const hash = createHash('sha256').update(canonical(input)).digest('hex');
  const key = opts.idempotencyKey;
  // One query: the reference-data version (is the cached copy current?) and any earlier use of this key.
  const [head] = await deps.db
    .select({ version: referenceVersion.version, earlier: idempotencyKeys })
    .from(referenceVersion)
    .leftJoin(idempotencyKeys, key ? and(eq(idempotencyKeys.userId, actor.userId), eq(idempotencyKeys.key, key)) : sql`false`);
  if (key) {
    const earlier = await replay(deps, actor, key, hash, head?.earlier ?? null);
    if (earlier) return earlier;
  }
  return withReferences(deps.db, head?.version ?? 0, (refs) => intake(deps, actor, input, refs, channel, key, hash));
}

async function intake(deps: Deps, actor: Actor, input: CreateTicketInput, refs: References, channel: Channel, key: string | undefined, hash: string): Promise<IntakeResult> {
  await checkReferences(deps.db, refs, input);

  try {
    if (input.disposition.kind === 'repeat') return await linkRepeat(deps, actor, input, input.disposition.ticketId, channel, key, hash);
    // Street and district: the operator's choice, else the coordinates, else the address (routing).
    const place = await ticketPlace(deps.db, input);
    const now = deps.clock.now();
    const number = await nextTicketNumber(deps.db, now);
    const d = input.disposition;
    const closeReason = d.kind === 'dispatch' ? null : CLOSED_BY[d.kind];
    const created = await inTransaction(deps, async (tx, record) => {
      const [ticket] = await tx
        .insert(tickets)
        .values({
          number,
          status: closeReason ? 'closed' : 'awaiting_dispatch',
          channel,
          type: input.type,
          urgency: input.urgency,
          categoryId: input.categoryId,
          title: input.title ?? [...input.content].slice(0, 30).join(''),
          content: input.content,
          address: input.address ?? null,
          lat: input.lat ?? null,
          lng: input.lng ?? null,
          ...place,
          callerName: input.caller.name ?? null,
          callerPhone: input.caller.phone,
          callerPhoneLast4: input.caller.phone.slice(-4),
          confidential: input.confidential,
          allowDirectContact: input.allowDirectContact,
          windowMatter: input.window?.matter ?? null,
          windowHallDepartment: input.window?.hallDepartment ?? null,
          windowReason: input.window?.reason ?? null,
          closeReason,
          closeNote: d.kind === 'direct_answer' ? d.answer : d.kind === 'not_accepted' ? d.reason : d.kind === 'emergency_transfer' ? (d.note ?? null) : null,
          kbArticleId: d.kind === 'direct_answer' ? d.kbArticleId : null,
          transferredTo: d.kind === 'emergency_transfer' ? d.transferredTo : null,
          publicReply: d.kind === 'direct_answer' ? d.answer : null,
          createdBy: actor.userId,
          createdAt: now,
          updatedAt: now,
          closedAt: closeReason ? now : null,
        })
        .returning();
      // The rows below depend only on the ticket: sent together, they travel in one round trip on
      // PostgreSQL (postgres.js pipelines a transaction's queries); PGlite runs them one after another.
      // The idempotency key goes last, so its unique violation (a concurrent retry) is the error reported.
      const contactRow = tx
        .insert(contacts)
        .values({
          ticketId: ticket!.id,
          channel,
          isRepeat: false,
          callerName: input.caller.name ?? null,
          callerPhone: input.caller.phone,
          content: input.content,
          createdBy: actor.userId,
          createdAt: now,
        })
        .returning({ id: contacts.id });
      const event = record(actor, {
        ticketId: ticket!.id,
        type: 'ticket_created',
        fromStatus: null,
        toStatus: ticket!.status,
        version: 1,
        public: true,
        payload: {
          channel,
          categoryId: input.categoryId,
          disposition: d.kind,
          ...(d.kind === 'direct_answer' ? { kbArticleId: d.kbArticleId } : {}),
          ...(d.kind === 'emergency_transfer' ? { transferredTo: d.transferredTo } : {}),
          ...(d.kind === 'not_accepted' ? { reason: d.reason } : {}),
        },
      });
      // Notifications (issue 3 §5): SMS receipt with the number and look-up link to a mobile caller, queued in
      // this transaction. Only for tickets that go on to units; one closed at intake was settled on the call.
      const receipt = d.kind === 'dispatch' ? notifyIntakeReceipt(tx, deps.config, ticket!, now) : null;
      const [[contact]] = await Promise.all([contactRow, event, receipt]);
      if (key) await tx.insert(idempotencyKeys).values({ userId: actor.userId, key, requestHash: hash, ticketId: ticket!.id, contactId: contact!.id });
      return { ticket: ticket!, contactId: contact!.id, linked: false, replayed: false };
    });
    // Safe categories with a clear catalogue match are dispatched at once, in a second transaction.
    const dispatched = await autoDispatch(deps, created.ticket);
    // What the presenter would read back is known here: one contact, no requests, and no SLA alert yet on
    // assignments made a moment ago (only the sweep writes them, when a mark falls due).
    const known: PresentKnown = { categoryPath: categoryAncestry(refs, input.categoryId).map((c) => ({ id: c.id, name: c.name })), contacts: 1, pendingRequests: [], firedAlerts: [] };
    return dispatched ? { ...created, ticket: dispatched, known } : { ...created, known };
  } catch (err) {
    // A concurrent retry with the same key committed first: answer with its result.
    if (key && isUniqueViolation(err, 'idempotency_keys_user_id_key_pk')) {
      const earlier = await replay(deps, actor, key, hash);
      if (earlier) return earlier;
    }
    throw err;
  }
}

async function linkRepeat(
  deps: Deps,
  actor: Actor,
  input: CreateTicketInput,
  targetId: number,
  channel: Channel,
  key: string | undefined,
  hash: string,
): Promise<IntakeResult> {
  return inTransaction(deps, async (tx, record) => {
    const target = await lockOpenTarget(tx, actor, targetId);
    const now = deps.clock.now();
    const [contact] = await tx
      .insert(contacts)
      .values({
        ticketId: target.id,
        channel,
        isRepeat: true,
        callerName: input.caller.name ?? null,
        callerPhone: input.caller.phone,
        content: input.content,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: contacts.id });
    const updated = await recordLinkedInto(tx, record, actor, target, now, 'contact_linked', { contactId: contact!.id, channel });
    if (key) await tx.insert(idempotencyKeys).values({ userId: actor.userId, key, requestHash: hash, ticketId: target.id, contactId: contact!.id, linked: true });
    return { ticket: updated, contactId: contact!.id, linked: true, replayed: false };
  });
}
