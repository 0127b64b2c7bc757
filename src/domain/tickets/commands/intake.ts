import { insertRows } from '../../../../db/prepared.ts';
import { ticketTerms } from '../search-terms.ts';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.ts';
import { contacts, idempotencyKeys, tickets } from '../../../../db/schema/index.ts';
import type { Deps, DbDeps, TxDeps, CalendarTxDeps, WithConfig } from '../../../deps.ts';
import type { Actor } from '../../auth/actor.ts';
import { ForbiddenError, UnprocessableError, ValidationError } from '../../errors.ts';
import type { Channel, CloseReason } from '../../vocab.ts';
import { isUniqueViolation } from '../../db-errors.ts';
import type { CreateTicketInput } from '../inputs.ts';
import { loadTicket, type TicketRow } from '../queries.ts';
import { intakeHead, nextTicketNumber, requestHash, type Allocated, type IdempotencyRow } from '../numbering.ts';
import { inTransaction } from '../record.ts';
import { lockOpenTarget, recordLinkedInto } from '../link.ts';
import { isActiveArticle } from '../../kb/queries.ts';
import { notifyIntakeReceipt } from '../../notifications/notices.ts';
import { autoDispatchPlan } from '../../routing/auto-dispatch.ts';
import { modelDispatchPlan } from '../../assist/auto-apply.ts';
import { recordIntakeChoice } from '../../assist/choices.ts';
import { systemActor } from '../../auth/actor.ts';
import { dispatchWrites } from './dispatch.ts';
import type { TriageStartConfig } from '../triage-clocks.ts';
import { ticketTransition, type TicketStatus } from '../status.ts';
import { ticketPlace } from '../../routing/locate.ts';
import { categoryAncestry, referencesAt, type References } from '../../reference.ts';
import type { PresentKnown } from '../presenter.ts';
import { callerIndexes, phoneIndex } from '../../privacy/caller-index.ts';

/** An idempotency key's contact: the one intake has just inserted on the same connection (placeholder: the ticket). */
const CONTACT_OF_TICKET = sql`(select max(id) from ${contacts} where ticket_id = ${sql.placeholder('ticketId')})`;

const CHANNEL_OF_ROLE: Partial<Record<Actor['role'], Channel>> = {
  operator: 'phone',
  window_clerk: 'window',
  intake_client: 'online',
};

/** What intake uses: the database and clock, the calendar (auto-dispatch deadlines, the triage clock), the logger and the look-up link's base. */
export type IntakeDeps = CalendarTxDeps & Pick<Deps, 'logger'> & WithConfig<'PUBLIC_BASE_URL' | TriageStartConfig>;

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

/** The earlier result of a retried Idempotency-Key (`known`: its row, already read), or null when the key is new. */
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
  if (!cat?.active || cat.hasChildren) return new UnprocessableError('category_unknown', { categoryId: input.categoryId });
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

/** What becomes of a new ticket: dispatched, or closed at once (a repeat makes none). */
type NewDisposition = Exclude<CreateTicketInput['disposition'], { kind: 'repeat' }>;

const CLOSED_BY: Record<Exclude<NewDisposition['kind'], 'dispatch'>, CloseReason> = {
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
  deps: IntakeDeps,
  actor: Actor,
  input: CreateTicketInput,
  opts: { idempotencyKey?: string; channel?: Extract<Channel, 'online' | 'open311' | 'bad_review'> } = {},
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
  const hash = requestHash(input);
  const key = opts.idempotencyKey;
  const now = deps.clock.now();
  // The number and id are taken up front only when the copy of the references at hand (current or not)
  // accepts the input, so a request refused for its category or street does not use up a number.
  const allocate = input.disposition.kind !== 'repeat' && referenceProblem(await referencesAt(deps.db, 0), input) === null;
  const h = await intakeHead(deps.db, actor, key, allocate, now);
  if (key && h.earlier) {
    const earlier = await replay(deps, actor, key, hash, h.earlier);
    if (earlier) return earlier;
  }
  // The copy of the reference data current as of the version just read, passed down to every read path.
  const refs = await referencesAt(deps.db, h.version);
  return intake(deps, { actor, input, channel, refs, now, key, hash, allocated: h.allocated });
}

/** One intake request, as createTicket has prepared it. */
type IntakeRequest = {
  actor: Actor;
  input: CreateTicketInput;
  channel: Channel;
  /** The reference data (reference.ts) at least as new as the version read before: categories, units, routing, SLA, templates. */
  refs: References;
  now: Date;
  /** The Idempotency-Key, if the client sent one, and the hash of the request it must match on a retry. */
  key: string | undefined;
  hash: string;
  /** The new ticket's id and number when they were taken up front (numbering.ts); else taken here. */
  allocated: Allocated | null;
};

async function intake(deps: IntakeDeps, req: IntakeRequest): Promise<IntakeResult> {
  const { actor, input, refs, key, hash } = req;
  await checkReferences(deps.db, refs, input);
  const d = input.disposition;
  try {
    return d.kind === 'repeat' ? await linkRepeat(deps, req, d.ticketId) : await logTicket(deps, req, d);
  } catch (err) {
    // A concurrent retry with the same key committed first: answer with its result.
    if (key && isUniqueViolation(err, 'idempotency_keys_user_id_key_pk')) {
      const earlier = await replay(deps, actor, key, hash);
      if (earlier) return earlier;
    }
    throw err;
  }
}

/** The ticket row a new contact makes, before any auto-dispatch: awaiting dispatch, or closed at once. */
function ticketValues(req: IntakeRequest, d: NewDisposition, place: Awaited<ReturnType<typeof ticketPlace>>, number: string) {
  const { actor, input, channel, now } = req;
  const closeReason = d.kind === 'dispatch' ? null : CLOSED_BY[d.kind];
  const title = input.title ?? [...input.content].slice(0, 30).join('');
  return {
    number,
    status: (closeReason ? 'closed' : 'awaiting_dispatch') as TicketStatus,
    version: 1,
    channel,
    type: input.type,
    urgency: input.urgency,
    categoryId: input.categoryId,
    title,
    content: input.content,
    address: input.address ?? null,
    searchTerms: ticketTerms(title, input.content, input.address),
    lat: input.lat ?? null,
    lng: input.lng ?? null,
    ...place,
    callerName: input.caller.name ?? null,
    callerPhone: input.caller.phone,
    ...callerIndexes(input.caller),
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
}

/**
 * A new ticket: placed (street and district), numbered, auto-dispatched when the catalogue is sure, and
 * written with its contact, events, SMS and idempotency key in one transaction.
 */
async function logTicket(deps: IntakeDeps, req: IntakeRequest, d: NewDisposition): Promise<IntakeResult> {
  const { actor, input, channel, refs, now, key, hash, allocated } = req;
  // Street and district: the operator's choice, else the coordinates, else the address (routing).
  const place = await ticketPlace(deps.db, input, refs);
  const { id, number } = allocated ?? { id: 0, number: await nextTicketNumber(deps.db, now) };
  const values = ticketValues(req, d, place, number);
  // The ticket as it will be logged, for routing and the SLA policy to read before anything is written.
  const draft = { ...values, id, dispatchedAt: null, warningLevel: 'none' } as TicketRow;
  // Safe categories with a clear catalogue match are dispatched at once, in this same transaction.
  const rulePlan = d.kind === 'dispatch' ? await autoDispatchPlan(deps, draft, refs) : null;
  // No single unit from the rules: the unit model, when an administrator's confidence threshold allows it (assist/auto-apply.ts).
  const model = d.kind === 'dispatch' && !rulePlan ? await modelDispatchPlan(deps, draft, refs) : null;
  const plan = rulePlan ?? model?.plan ?? null;
  const transition = plan ? ticketTransition(values.status, 'dispatch') : null;
  const dispatchedTo = transition?.ok ? transition.to : null;
  const created = await inTransaction(deps, async (tx, record) => {
    const system = systemActor('dispatcher');
    // With the id known, every row below is sent at once: postgres.js pipelines a transaction's queries
    // (one round trip on PostgreSQL; PGlite runs them in turn), in this order — the ticket first for the
    // foreign keys, the idempotency key last so its unique violation (a concurrent retry) is the error reported.
    const row0 = dispatchedTo ? { ...values, status: dispatchedTo, version: 2, dispatchedAt: now, warningLevel: 'none' as const } : values;
    const ticketRow = inFlight(
      insertRows<TicketRow>(tx, tickets, [allocated ? { ...row0, id } : row0], { returning: true, overriding: !!allocated }).then((r) => r[0]!),
    );
    const ticketId = allocated ? id : (await ticketRow).id;
    const contactRow = inFlight(
      insertRows<{ id: number }>(
        tx,
        contacts,
        [
          {
            ticketId,
            channel,
            isRepeat: false,
            callerName: input.caller.name ?? null,
            callerPhone: input.caller.phone,
            callerPhoneIndex: values.callerPhoneIndex,
            content: input.content,
            createdBy: actor.userId,
            createdAt: now,
          },
        ],
        { returning: { id: contacts.id } },
      ).then((r) => r[0]!),
    );
    const createdEvent = inFlight(
      record(actor, {
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
      }),
    );
    const row = { ...draft, id: ticketId };
    // Notifications: an SMS receipt with the number and look-up link to a mobile caller, queued in
    // this transaction. Only for tickets that go on to units; one closed at intake was settled on the call.
    const receipt = d.kind === 'dispatch' ? inFlight(notifyIntakeReceipt(tx, deps.config, row, now, refs)) : null;
    // Auto-dispatch: the dispatcher's writes (assignments, SLA, the units' SMS) and its event, as version 2.
    const dispatched = plan && dispatchedTo ? await dispatchWrites(deps, tx, { actor: system, ticket: row, input: plan, now, refs }) : null;
    const dispatchEvent = dispatched
      ? record(system, { ticketId, type: 'dispatch', fromStatus: values.status, toStatus: dispatchedTo, version: 2, payload: dispatched.payload, public: true })
      : null;
    // Its contact by a subquery: the contact's insert runs before it on the same connection.
    const idem = key
      ? insertRows(tx, idempotencyKeys, [{ userId: actor.userId, key, requestHash: hash, ticketId, contactId: CONTACT_OF_TICKET }], {
          key: 'contact of ticket',
          params: { ticketId },
        })
      : null;
    const [ticket, contact, , , assigned = []] = await Promise.all([ticketRow, contactRow, createdEvent, receipt, dispatched?.written, dispatchEvent, idem]);
    if (dispatched)
      await dispatched.report(
        record,
        2,
        assigned.map((a) => a.id),
      );
    if (input.assistSuggestionId || model) {
      const leadUnitId = dispatched ? plan!.leadUnitId : null;
      const c = { suggestionId: input.assistSuggestionId, rank: input.assistAcceptedRank, ticketId, categoryId: input.categoryId, leadUnitId, model, now };
      await recordIntakeChoice(tx, actor, c);
    }
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
}

/** A repeat (并单): the contact joins an open ticket instead of making a new one. */
async function linkRepeat(deps: TxDeps, req: IntakeRequest, targetId: number): Promise<IntakeResult> {
  const { actor, input, channel, key, hash } = req;
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
        callerPhoneIndex: phoneIndex(input.caller.phone),
        content: input.content,
        createdBy: actor.userId,
        createdAt: now,
      })
      .returning({ id: contacts.id });
    const updated = await recordLinkedInto(tx, record, actor, target, now, 'contact_linked', { contactId: contact!.id, channel });
    if (key)
      await tx.insert(idempotencyKeys).values({ userId: actor.userId, key, requestHash: hash, ticketId: target.id, contactId: contact!.id, linked: true });
    return { ticket: updated, contactId: contact!.id, linked: true, replayed: false };
  });
}
