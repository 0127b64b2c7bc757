import { createHash } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { contacts, idempotencyKeys, referenceVersion, tickets } from '../../../../db/schema/index.ts';
import type { Deps, DbDeps, TxDeps, CalendarTxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { shanghaiDate } from '../../clock.ts';
import { ForbiddenError, UnprocessableError, ValidationError } from '../../errors.ts';
import type { Channel, CloseReason } from '../../vocab.ts';
import { isUniqueViolation } from '../../db-errors.ts';
import type { CreateTicketInput } from '../inputs.ts';
import { loadTicket, rowsOf, type TicketRow } from '../queries.ts';
import { inTransaction } from '../record.ts';
import { lockOpenTarget, recordLinkedInto } from '../link.ts';
import { isActiveArticle } from '../../kb/queries.ts';
import { notifyIntakeReceipt } from '../../notifications/notices.ts';
import { autoDispatchPlan } from '../../routing/auto-dispatch.ts';
import { systemActor } from '../../auth/actor.ts';
import { dispatchWrites } from './lifecycle.ts';
import { ticketTransition, type TicketStatus } from '../status.ts';
import { ticketPlace } from '../../routing/locate.ts';
import { categoryAncestry, referencesAt, withReferences, type References } from '../../reference.ts';
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

/** The readable number from the Asia/Shanghai date and that day's counter value. */
const ticketNumber = (day: string, n: number) => `${day.replace(/-/g, '')}-${String(n).padStart(6, '0')}`;

/** Readable numbers: the Asia/Shanghai date and that day's counter, taken outside the intake transaction
 * so the counter row is locked only for a moment (a rolled-back intake leaves a gap, never a duplicate). */
export async function nextTicketNumber(db: Db, now: Date): Promise<string> {
  const day = shanghaiDate(now);
  const result = await db.execute<{ last: number }>(countUp(day, sql`true`));
  return ticketNumber(day, Number(rowsOf<{ last: number }>(result)[0]!.last));
}

/** The day's counter, one up (from 1 on a new day) when `when` holds; returns the new value as `last`. */
const countUp = (day: string, when: SQL) => sql`
  insert into ticket_number_counters (day, last) select ${day}, 1 where ${when}
  on conflict (day) do update set last = ticket_number_counters.last + 1
  returning last`;

type IdempotencyRow = Pick<typeof idempotencyKeys.$inferSelect, 'requestHash' | 'ticketId' | 'contactId' | 'linked'>;

type Head = { version: number; earlier: IdempotencyRow | null; allocated: { id: number; number: string } | null };

/**
 * One round trip before any work: the reference-data version (is the cached copy current?), any earlier
 * use of this Idempotency-Key, and — when asked and the key is new — the new ticket's id (from its
 * identity sequence) and its number (the day's counter, committed at once as before), so the intake's
 * writes need not wait for one another.
 */
async function head(db: Db, actor: Actor, key: string | undefined, allocate: boolean, now: Date): Promise<Head> {
  const day = shanghaiDate(now);
  const rows = rowsOf<{ version: string | number; request_hash: string | null; ticket_id: string | number | null; contact_id: string | number | null; linked: boolean | null; n: string | number | null; new_id: string | number | null }>(
    await db.execute(sql`
      with e as (
        select request_hash, ticket_id, contact_id, linked from ${idempotencyKeys}
        where ${key ? sql`user_id = ${actor.userId} and key = ${key}` : sql`false`}),
      n as (${countUp(day, sql`${allocate} and not exists (select 1 from e)`)})
      select v.version, e.request_hash, e.ticket_id, e.contact_id, e.linked, n.last as n,
        case when n.last is not null then nextval(pg_get_serial_sequence('tickets', 'id')) end as new_id
      from ${referenceVersion} v left join e on true left join n on true`),
  );
  const r = rows[0];
  if (!r) return { version: 0, earlier: null, allocated: null };
  return {
    version: Number(r.version),
    earlier: r.request_hash === null ? null : { requestHash: r.request_hash, ticketId: Number(r.ticket_id), contactId: r.contact_id === null ? null : Number(r.contact_id), linked: !!r.linked },
    allocated: r.n === null ? null : { id: Number(r.new_id), number: ticketNumber(day, Number(r.n)) },
  };
}

async function replay(deps: DbDeps, actor: Actor, key: string, hash: string, known?: IdempotencyRow | null): Promise<IntakeResult | null> {
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

/** The category must be an active leaf and the street unit active, in the reference data; null when they are. */
function referenceProblem(refs: References, input: CreateTicketInput): UnprocessableError | null {
  const cat = refs.categories.get(input.categoryId);
  if (!cat || !cat.active || cat.hasChildren) return new UnprocessableError('category_unknown', { categoryId: input.categoryId });
  if (input.streetUnitId && !refs.units.get(input.streetUnitId)?.active) return new UnprocessableError('unit_unknown', { unitId: input.streetUnitId });
  return null;
}

/** The references as above (from the cached copy), and the knowledge-base article from the database. */
async function checkReferences(db: Db, refs: References, input: CreateTicketInput) {
  const problem = referenceProblem(refs, input);
  if (problem) throw problem;
  if (input.disposition.kind === 'direct_answer') {
    const id = input.disposition.kbArticleId;
    if (!(await isActiveArticle(db, id))) throw new UnprocessableError('kb_article_unknown', { articleId: id });
  }
}

/** A query sent now and awaited later: its failure is reported where it is awaited, never as an unhandled rejection meanwhile. */
function inFlight<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

const CLOSED_BY: Record<Exclude<CreateTicketInput['disposition']['kind'], 'dispatch' | 'repeat'>, CloseReason> = {
  direct_answer: 'direct_answer',
  emergency_transfer: 'emergency_transfer',
  not_accepted: 'not_accepted',
};

/**
 * Intake: a call (operator), a window complaint (clerk) or an online submission (intake client)
 * becomes a ticket — dispatched at once by auto-dispatch or later by a dispatcher, or closed at once as a
 * direct answer, emergency transfer or not accepted — or, as a repeat (并单), a contact linked to an
 * existing open ticket.
 */
export async function createTicket(
  deps: CalendarTxDeps & Pick<Deps, 'logger'> & WithConfig<'PUBLIC_BASE_URL'>,
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
  const now = deps.clock.now();
  // The number and id are taken up front only when the copy of the references at hand (current or not)
  // accepts the input, so a request refused for its category or street does not use up a number.
  const allocate = input.disposition.kind !== 'repeat' && referenceProblem(await referencesAt(deps.db, 0), input) === null;
  const h = await head(deps.db, actor, key, allocate, now);
  if (key && h.earlier) {
    const earlier = await replay(deps, actor, key, hash, h.earlier);
    if (earlier) return earlier;
  }
  return withReferences(deps.db, h.version, (refs) => intake(deps, actor, input, refs, channel, key, hash, now, h.allocated));
}

async function intake(
  deps: CalendarTxDeps & Pick<Deps, 'logger'> & WithConfig<'PUBLIC_BASE_URL'>,
  actor: Actor,
  input: CreateTicketInput,
  refs: References,
  channel: Channel,
  key: string | undefined,
  hash: string,
  now: Date,
  allocated: Head['allocated'],
): Promise<IntakeResult> {
  await checkReferences(deps.db, refs, input);

  try {
    if (input.disposition.kind === 'repeat') return await linkRepeat(deps, actor, input, input.disposition.ticketId, channel, key, hash);
    // Street and district: the operator's choice, else the coordinates, else the address (routing).
    const place = await ticketPlace(deps.db, input);
    const d = input.disposition;
    const closeReason = d.kind === 'dispatch' ? null : CLOSED_BY[d.kind];
    const { id, number } = allocated ?? { id: 0, number: await nextTicketNumber(deps.db, now) };
    const values = {
      number,
      status: (closeReason ? 'closed' : 'awaiting_dispatch') as TicketStatus,
      version: 1,
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
      statusChangedAt: now,
      closedAt: closeReason ? now : null,
    } satisfies typeof tickets.$inferInsert;
    // The ticket as it will be logged, for routing and the SLA policy to read before anything is written.
    const draft = { ...values, id, dispatchedAt: null, warningLevel: 'none' } as TicketRow;
    // Safe categories with a clear catalogue match are dispatched at once, in this same transaction.
    const plan = d.kind === 'dispatch' ? await autoDispatchPlan(deps, draft) : null;
    const transition = plan ? ticketTransition(values.status, 'dispatch') : null;
    const dispatchedTo = transition?.ok ? transition.to : null;
    const created = await inTransaction(deps, async (tx, record) => {
      const system = systemActor('dispatcher');
      // With the id known, every row below is sent at once: postgres.js pipelines a transaction's queries
      // (one round trip on PostgreSQL; PGlite runs them in turn), in this order — the ticket first for the
      // foreign keys, the idempotency key last so its unique violation (a concurrent retry) is the error reported.
      const row0 = dispatchedTo ? { ...values, status: dispatchedTo, version: 2, dispatchedAt: now, warningLevel: 'none' as const } : values;
      const ticketRow = inFlight(
        (allocated ? tx.insert(tickets).overridingSystemValue().values({ ...row0, id }) : tx.insert(tickets).values(row0)).returning().then((r) => r[0]!),
      );
      const ticketId = allocated ? id : (await ticketRow).id;
      const contactRow = inFlight(
        tx
          .insert(contacts)
          .values({ ticketId, channel, isRepeat: false, callerName: input.caller.name ?? null, callerPhone: input.caller.phone, content: input.content, createdBy: actor.userId, createdAt: now })
          .returning({ id: contacts.id })
          .then((r) => r[0]!),
      );
      const createdEvent = inFlight(record(actor, {
        ticketId,
        type: 'ticket_created',
        fromStatus: null,
        toStatus: values.status,
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
      }));
      const row = { ...draft, id: ticketId };
      // Notifications (issue 3 §5): SMS receipt with the number and look-up link to a mobile caller, queued in
      // this transaction. Only for tickets that go on to units; one closed at intake was settled on the call.
      const receipt = d.kind === 'dispatch' ? inFlight(notifyIntakeReceipt(tx, deps.config, row, now)) : null;
      // Auto-dispatch: the dispatcher's writes (assignments, SLA, the units' SMS) and its event, as version 2.
      const dispatched = plan && dispatchedTo ? await dispatchWrites(deps, tx, system, row, plan, now) : null;
      const dispatchEvent = dispatched
        ? record(system, { ticketId, type: 'dispatch', fromStatus: values.status, toStatus: dispatchedTo, version: 2, payload: dispatched.payload, public: true })
        : null;
      // Its contact by a subquery: the contact's insert runs before it on the same connection.
      const idem = key
        ? tx.insert(idempotencyKeys).values({ userId: actor.userId, key, requestHash: hash, ticketId, contactId: sql`(select max(id) from ${contacts} where ticket_id = ${ticketId})` })
        : null;
      const [ticket, contact, , , assigned = []] = await Promise.all([ticketRow, contactRow, createdEvent, receipt, dispatched?.written, dispatchEvent, idem]);
      if (dispatched) await dispatched.report(record, 2, assigned.map((a) => a.id));
      return { ticket, contactId: contact.id, linked: false, replayed: false, assigned };
    });
    // What the presenter would read back is known here: one contact, no requests, and no SLA alert yet on
    // assignments made a moment ago (only the sweep writes them, when a mark falls due).
    const { assigned, ...result } = created;
    const known: PresentKnown = {
      assignments: assigned.map((a) => ({ a, unitName: refs.units.get(a.unitId)!.name, unitKind: refs.units.get(a.unitId)!.kind })),
      categoryPath: categoryAncestry(refs, input.categoryId).map((c) => ({ id: c.id, name: c.name })),
      contacts: 1,
      pendingRequests: [],
      firedAlerts: [],
    };
    return { ...result, known };
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
  deps: TxDeps,
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
