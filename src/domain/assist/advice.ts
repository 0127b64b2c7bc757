/**
 * Advice from the optional language model (docs/assist.md, "Language-model hook"): a summary of a long ticket,
 * and a check of a unit's reply against the demand (答非所问) for whoever reviews it. Always advice to a person:
 * nothing here changes the ticket or stores the answer. Each request is audited before it leaves — the ticket,
 * the kind, the model and how many characters were sent, never the text.
 *
 * The order of checks: the ticket must be readable (404, as everywhere), the reply checkable by this actor (403),
 * then the hook must be on (404 llm_not_configured: nothing is read further and nothing leaves), then there must
 * be a reply to check (409).
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { contacts, ticketEvents, units } from '../../../db/schema/index.ts';
import type { DbClockDeps, WithConfig } from '../../deps.ts';
import { languageModelFor, type ChatMessage, type LanguageModel } from '../../adapters/llm.ts';
import { ASSIGNMENT_ROLE_LABELS, CHANNEL_LABELS, EVENT_LABELS, STATUS_LABELS, TICKET_TYPE_LABELS, URGENCY_LABELS } from '../../contract/labels.ts';
import type { TicketEventType } from '../../contract/events.ts';
import { audit } from '../audit.ts';
import { isUnit, type Actor } from '../auth/actor.ts';
import { shanghaiMinute } from '../clock.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { Identity } from '../open311/public-text.ts';
import { categoryPath, loadTicket, ticketAssignments, type TicketRow } from '../tickets/queries.ts';
import { CENTRE_ROLES, UNIT_ROLES, type Role } from '../vocab.ts';
import { readSummary, readVerdict, replyCheckMessages, summaryMessages, type TicketMaterial, type Verdict } from './advice-prompts.ts';
import { clip, maskForModel } from './llm-privacy.ts';

export type AdviceDeps = DbClockDeps & WithConfig<'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL' | 'LLM_TIMEOUT_MS'>;

/** Who may ask for a summary: staff who read tickets (what each reads is loadTicket's business). */
export const SUMMARY_ROLES: readonly Role[] = [...CENTRE_ROLES, ...UNIT_ROLES];
/**
 * Who may check a reply: the centre's reviewers (dispatchers approve replies, supervisors oversee), and a unit for
 * a reply of its own or of a unit below it — a parent unit reviews its sub-units' replies (sub-reply), and a unit
 * may see how its own reply reads before the centre does.
 */
export const REPLY_CHECK_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'unit_handler', 'unit_leader'];

/** What every piece of advice carries, so no screen can show it as anything but a machine's suggestion. */
type Advice = { advisory: true; model: string; generatedAt: string };
export type SummaryAdvice = Advice & { kind: 'summary'; ticketId: number; summary: string };
export type ReplyCheckAdvice = Advice & { kind: 'reply_check'; ticketId: number; assignmentId: number; verdict: Verdict; reason: string };

/** Limits on what one request carries (characters after masking): enough for a long ticket, bounded for the model. */
const LIMITS = { content: 3000, contact: 400, contacts: 20, reply: 1500, event: 120, events: 40 };

/** Events that say nothing about the matter (clock bookkeeping, files): left out of the history sent. */
const QUIET: ReadonlySet<TicketEventType> = new Set<TicketEventType>(['sla_warning', 'sla_uncomputable', 'sla_recomputed', 'attachment_added']);

function modelOrOff(deps: AdviceDeps, model: LanguageModel | null | undefined): LanguageModel {
  const m = model === undefined ? languageModelFor(deps.config) : model;
  if (!m) throw new NotFoundError('llm_not_configured');
  return m;
}

/** A summary of the ticket in a few Chinese sentences: its demand, its calls and the key steps of its handling. */
export async function summariseTicket(deps: AdviceDeps, actor: Actor, ticketId: number, model?: LanguageModel | null): Promise<SummaryAdvice> {
  const t = await loadTicket(deps.db, actor, ticketId);
  const llm = modelOrOff(deps, model);
  const material = await materialOf(deps.db, t);
  const messages = summaryMessages(material);
  await auditSent(deps, actor, 'llm_summary_requested', t.id, llm, messages, {
    calls: material.calls,
    events: material.events.length,
  });
  const summary = readSummary(await llm.chat(messages, { maxTokens: 400 }));
  return { kind: 'summary', ticketId: t.id, summary, ...stamp(deps, llm) };
}

/**
 * Whether a unit's reply answers the demand: answers / partly / does_not_answer, with a short reason. The reply is
 * the given assignment's, else the one under review (the newest top-level lead's with a reply).
 */
export async function checkReply(
  deps: AdviceDeps,
  actor: Actor,
  ticketId: number,
  input: { assignmentId?: number },
  model?: LanguageModel | null,
): Promise<ReplyCheckAdvice> {
  const t = await loadTicket(deps.db, actor, ticketId);
  const rows = await ticketAssignments(deps.db, t.id);
  const target =
    input.assignmentId !== undefined
      ? rows.find((r) => r.a.id === input.assignmentId)
      : (rows.findLast((r) => r.a.role === 'lead' && !r.a.parentId && r.a.replyContent) ?? rows.findLast((r) => r.a.replyContent));
  if (input.assignmentId !== undefined && !target) throw new NotFoundError('assignment_not_found');
  if (isUnit(actor) && target && !(await inSubtree(deps.db, target.a.unitId, actor.unitPath))) throw new ForbiddenError('reply_check_forbidden');
  const llm = modelOrOff(deps, model);
  if (!target?.a.replyContent) throw new ConflictError('reply_check_no_reply');
  const material = await materialOf(deps.db, t);
  const reply = { unit: target.unitName, content: clip(maskForModel(target.a.replyContent, material.identities), LIMITS.reply) };
  const messages = replyCheckMessages(material, reply);
  await auditSent(deps, actor, 'llm_reply_check_requested', t.id, llm, messages, { assignmentId: target.a.id });
  const { verdict, reason } = readVerdict(await llm.chat(messages, { maxTokens: 300 }));
  return { kind: 'reply_check', ticketId: t.id, assignmentId: target.a.id, verdict, reason, ...stamp(deps, llm) };
}

const stamp = (deps: AdviceDeps, llm: LanguageModel) => ({ advisory: true as const, model: llm.model, generatedAt: deps.clock.now().toISOString() });

/** One audit row per request, written before it leaves: what kind, for which ticket, to which model, how much — not the text. */
async function auditSent(
  deps: AdviceDeps,
  actor: Actor,
  action: string,
  ticketId: number,
  llm: LanguageModel,
  messages: ChatMessage[],
  extra: Record<string, unknown>,
): Promise<void> {
  const chars = messages.reduce((n, m) => n + [...m.content].length, 0);
  const endpoint = deps.config.LLM_BASE_URL ? new URL(deps.config.LLM_BASE_URL).host : null;
  await audit(deps.db, actor, action, { type: 'ticket', id: ticketId }, { model: llm.model, endpoint, chars, ...extra });
}

async function inSubtree(db: Db, unitId: number, path: string): Promise<boolean> {
  const [u] = await db.select({ path: units.path }).from(units).where(eq(units.id, unitId));
  return !!u && u.path.startsWith(path);
}

/**
 * The ticket as the model may read it: labels in Chinese, times in Asia/Shanghai, every text masked and clipped;
 * with every known identity around it (its caller and every later caller, decrypted here to mask them, never sent).
 */
async function materialOf(db: Db, t: TicketRow): Promise<TicketMaterial & { identities: Identity[] }> {
  const calls = await db
    .select({
      at: contacts.createdAt,
      channel: contacts.channel,
      repeat: contacts.isRepeat,
      name: contacts.callerName,
      phone: contacts.callerPhone,
      content: contacts.content,
    })
    .from(contacts)
    .where(eq(contacts.ticketId, t.id))
    .orderBy(asc(contacts.id));
  const identities: Identity[] = [
    { callerName: t.callerName, callerPhone: t.callerPhone },
    ...calls.map((c) => ({ callerName: c.name, callerPhone: c.phone })),
  ];
  const mask = (s: string | null | undefined, max: number) => (s ? clip(maskForModel(s, identities), max) : null);

  const events = (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id)).orderBy(asc(ticketEvents.id))).filter((e) => !QUIET.has(e.type));
  const held = await ticketAssignments(db, t.id);
  const unitIds = new Set<number>();
  for (const e of events) {
    if (e.actorUnitId) unitIds.add(e.actorUnitId);
    const lead = e.payload.leadUnitId;
    if (typeof lead === 'number') unitIds.add(lead);
  }
  const names = new Map<number, string>();
  if (unitIds.size) {
    for (const u of await db
      .select({ id: units.id, name: units.name })
      .from(units)
      .where(inArray(units.id, [...unitIds])))
      names.set(u.id, u.name);
  }
  const category = (await categoryPath(db, t.categoryId)).map((c) => c.name).join(' / ');
  return {
    identities,
    receivedAt: shanghaiMinute(t.createdAt),
    channel: CHANNEL_LABELS[t.channel],
    type: TICKET_TYPE_LABELS[t.type],
    urgency: URGENCY_LABELS[t.urgency],
    category,
    address: mask(t.address, 200),
    status: STATUS_LABELS[t.status],
    title: mask(t.title, 200) ?? '',
    content: mask(t.content, LIMITS.content) ?? '',
    calls: calls.length,
    // the first call is the ticket's own demand (a contact row that is no repeat); the rest came later
    contacts: calls
      .filter((c, i) => i > 0 || c.repeat)
      .slice(-LIMITS.contacts)
      .map((c) => ({
        at: shanghaiMinute(c.at),
        channel: CHANNEL_LABELS[c.channel],
        repeat: c.repeat,
        content: mask(c.content, LIMITS.contact) ?? '',
      })),
    assignments: held.map((r) => ({
      unit: r.unitName,
      role: ASSIGNMENT_ROLE_LABELS[r.a.role],
      status: STATUS_LABELS[r.a.status],
      reply: mask(r.a.replyContent, LIMITS.reply),
    })),
    events: events.slice(-LIMITS.events).map((e) => {
      const lead = e.payload.leadUnitId;
      const unitId = e.type === 'dispatch' && typeof lead === 'number' ? lead : e.actorUnitId;
      const text = ['reason', 'note', 'comment'].map((k) => e.payload[k]).find((v): v is string => typeof v === 'string' && v.trim() !== '');
      return {
        at: shanghaiMinute(e.createdAt),
        label: EVENT_LABELS[e.type] ?? e.type,
        unit: unitId ? (names.get(unitId) ?? null) : null,
        text: mask(text, LIMITS.event),
      };
    }),
  };
}
