/**
 * The expected-allow table behind the access matrix (access-matrix.test.ts).
 *
 * Who may call a route comes from the route's own `access` (the same list that mounts it and documents it).
 * What the route table does not say is what a route's ids belong to, so every route needs an entry here:
 * - `scope: 'global'` — not a unit's resource: every allowed role gets through, whatever its unit;
 * - `scope: 'unit'` — the path names a ticket (or its assignment, attachment, appeal) of street A: a unit
 *   user elsewhere gets 404 (a caller must not learn it exists), and so does an intake client that did not
 *   submit it;
 * - `scope: 'unit-query'` — a query filter names street A: another unit's user gets 403 (unit ids are public).
 * `req` builds a minimally valid request from the fixtures; bodies of writes that no unit user may call can
 * be invalid (an allowed role then gets 400/409/422). Writes a unit may call carry a stale version, so a
 * unit of their own gets 409 and one elsewhere still reaches the visibility check (404).
 * `expect` overrides the derived outcome for one subject (keep it short: each one is a special case).
 *
 * A route added to src/http/routes without an entry here fails the matrix.
 */
import type { AnyRoute } from '../../src/http/route.ts';
import type { Role } from '../../src/domain/vocab.ts';
import { OVERSIGHT_ROLES } from '../../src/domain/org/roles.ts';
import type { Fixtures, Req } from './fixtures.ts';

export const SUBJECTS = [
  'anonymous',
  'operator',
  'window_clerk',
  'dispatcher',
  'callback_agent',
  'supervisor',
  'admin',
  'security_admin',
  'audit_admin',
  'intake_client',
  'unit_handler@own',
  'unit_handler@other',
  'unit_leader@own',
  'unit_leader@other',
] as const;
/** The chain of levels, read by the PII scan, not the matrix: district A above street A (`@own`), its community A, and a sibling community. */
export const CHAIN_SUBJECTS = ['unit_handler@district', 'unit_handler@community', 'unit_handler@sibling'] as const;
export type Subject = (typeof SUBJECTS)[number] | (typeof CHAIN_SUBJECTS)[number];

export const roleOf = (s: Subject): Role | null => (s === 'anonymous' ? null : (s.split('@')[0] as Role));
const isOtherUnit = (s: Subject) => s.endsWith('@other');

export type Scope = 'global' | 'unit' | 'unit-query';
/** allow = anything but 401, 403, 404 and 5xx; otherwise the exact status (and a code matching `code`) */
export type Outcome = { allow: true } | { allow: false; status: 401 | 403 | 404; code: RegExp };
export type Entry = {
  scope: Scope;
  req?: (f: Fixtures) => Req | Promise<Req>;
  expect?: Partial<Record<Subject, Outcome>>;
};

export const routeKey = (r: Pick<AnyRoute, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

export const ALLOW: Outcome = { allow: true };
const UNAUTHENTICATED: Outcome = { allow: false, status: 401, code: /^unauthenticated$/ };
const FORBIDDEN: Outcome = { allow: false, status: 403, code: /^forbidden$|_forbidden$/ };
const NOT_FOUND: Outcome = { allow: false, status: 404, code: /_not_found$/ };

/** The outcome for one subject, derived from the route's access and the entry's scope (then the overrides). */
export function expectedOutcome(route: AnyRoute, entry: Entry, subject: Subject): Outcome {
  const special = entry.expect?.[subject];
  if (special) return special;
  const role = roleOf(subject);
  if (route.access === 'public') return ALLOW;
  if (!role) return UNAUTHENTICATED;
  if (route.access !== 'authenticated' && !route.access.includes(role)) return FORBIDDEN;
  if (entry.scope === 'unit' && (isOtherUnit(subject) || role === 'intake_client')) return NOT_FOUND;
  if (entry.scope === 'unit-query' && isOtherUnit(subject)) return FORBIDDEN;
  return ALLOW;
}

/** A version no ticket or assignment has: the command stops at 409 after the visibility and policy checks. */
export const STALE = 999_999;
const reason = { reason: '安全测试：理由说明已核实' };
const ticket = (f: Fixtures, body: Record<string, unknown> = {}): Req => ({ params: { id: f.ticketA.id }, body: { version: STALE, ...body } });
const assignment = (f: Fixtures, body: Record<string, unknown> = {}): Req => ({ params: { id: f.assignmentA }, body: { version: STALE, ...body } });
/** Community A's sub-assignment, handed down by street A: the parent's decisions name it. */
const sub = (f: Fixtures, body: Record<string, unknown> = {}): Req => ({ params: { id: f.chain.communitySub }, body: { version: STALE, ...body } });
const empty = (): Req => ({ body: {} });
const subjectRequest = { phone: '13700000000', reference: '安全测试-0001', note: '安全测试：身份证件已核验' };
const metricsQuery = (f: Fixtures): Req => ({ query: { unitId: String(f.units.streetA), period: 'month' } });

/** A public route answering a bad link or a wrong last4 with 404 for everyone (it is allowed, and finds nothing). */
const publicNotFound: Entry['expect'] = Object.fromEntries(
  SUBJECTS.map((s) => [s, { allow: false, status: 404, code: /^rating_link_invalid$|^lookup_not_found$/ }]),
);

/** The language-model hook switched off: the stable 404 for each subject that would otherwise get through. */
const llmOff = (subjects: Subject[]): Entry['expect'] =>
  Object.fromEntries(subjects.map((s) => [s, { allow: false, status: 404, code: /^llm_not_configured$/ } satisfies Outcome]));

/** The notification centre's rows are each user's own: an id none of theirs (here, any) is 404 to every person. */
const notYours: Entry['expect'] = Object.fromEntries(
  SUBJECTS.filter((s) => {
    const role = roleOf(s);
    return role !== null && role !== 'intake_client' && !OVERSIGHT_ROLES.includes(role);
  }).map((s) => [s, { allow: false, status: 404, code: /^inbox_item_not_found$/ }]),
);

export const EXPECTATIONS: Record<string, Entry> = {
  // auth
  'POST /api/auth/login': { scope: 'global', req: empty },
  'POST /api/auth/logout': { scope: 'global', req: empty },
  'GET /api/auth/session': { scope: 'global' },
  'POST /api/auth/login/second-factor': { scope: 'global', req: empty },
  'GET /api/auth/demo': { scope: 'global' },
  // my account (sign-in policy) and the security administrator's sign-in settings
  'GET /api/account': { scope: 'global' },
  'POST /api/account/second-factor/enrol': { scope: 'global', req: empty },
  'POST /api/account/second-factor/confirm': { scope: 'global', req: empty },
  'POST /api/account/second-factor/disable': { scope: 'global', req: empty },
  'POST /api/account/password': { scope: 'global', req: empty },
  'GET /api/account/sign-in-activity': { scope: 'global' },
  'GET /api/security/second-factor-policy': { scope: 'global' },
  'PUT /api/security/second-factor-policy': { scope: 'global', req: empty },
  'POST /api/security/users/:id/second-factor/reset': { scope: 'global', req: (f) => ({ params: { id: f.victimUser } }) },
  'GET /api/security/login-failures': { scope: 'global' },
  // intake aids and knowledge base
  'GET /api/intake/caller-history': { scope: 'global', req: () => ({ query: { phone: '13812345678' } }) },
  'GET /api/intake/duplicates': { scope: 'global', req: (f) => ({ query: { phone: '13812345678', categoryId: String(f.category) } }) },
  'POST /api/assist/suggest': { scope: 'global', req: () => ({ body: { content: '小区门口路灯不亮' } }) },
  // the units suggested at intake, read where the lead unit is chosen: ticket A's, as its routing suggestions are
  'GET /api/tickets/:id/assist/units': { scope: 'unit', req: (f) => ({ params: { id: f.ticketA.id } }) },
  // assisted intake's state (any signed-in user) and its administration (the system administrator); an invalid
  // threshold so the matrix changes nothing; a retrain with too few closed tickets is refused (422)
  'GET /api/assist/status': { scope: 'global' },
  'GET /api/assist/models': { scope: 'global' },
  'POST /api/assist/models/retrain': { scope: 'global', req: empty },
  'GET /api/assist/accuracy': { scope: 'global', req: () => ({ query: { weeks: '4' } }) },
  'GET /api/assist/settings': { scope: 'global' },
  'PUT /api/assist/settings': { scope: 'global', req: () => ({ body: { autoDispatchThreshold: 5 } }) },
  'GET /api/kb/search': { scope: 'global', req: () => ({ query: { q: '噪音' } }) },
  'GET /api/kb/:id': { scope: 'global', req: (f) => ({ params: { id: f.kb } }) },
  'POST /api/kb': { scope: 'global', req: empty },
  'PUT /api/kb/:id': { scope: 'global', req: (f) => ({ params: { id: f.kb }, body: {} }) },
  'GET /api/assist/lexicon': { scope: 'global' },
  'POST /api/assist/lexicon': { scope: 'global', req: empty },
  // a word too long to be one: the admin reaches validation (400) and nothing is removed
  'DELETE /api/assist/lexicon/:word': { scope: 'global', req: () => ({ params: { word: '词'.repeat(201) } }) },
  // tickets
  'POST /api/tickets': { scope: 'global', req: empty },
  'POST /api/bad-reviews': { scope: 'global', req: empty },
  'GET /api/tickets': { scope: 'global', req: () => ({ query: { limit: '200' } }) },
  'GET /api/tickets/export': { scope: 'global', req: () => ({ query: { format: 'csv' } }) },
  // saved views: each user's own (another user's view is 404: test/http/views.test.ts); ids 0 are refused before the lookup
  'GET /api/views': { scope: 'global' },
  'POST /api/views': { scope: 'global', req: () => ({ body: { name: '安全测试视图', filters: { status: 'awaiting_dispatch' } } }) },
  'PUT /api/views/:id': { scope: 'global', req: () => ({ params: { id: 0 }, body: { name: '安全测试视图' } }) },
  'DELETE /api/views/:id': { scope: 'global', req: () => ({ params: { id: 0 } }) },
  'GET /api/tickets/by-number/:number': { scope: 'unit', req: (f) => ({ params: { number: f.ticketA.number } }) },
  'GET /api/tickets/:id': { scope: 'unit', req: (f) => ({ params: { id: f.ticketA.id } }) },
  'GET /api/tickets/:id/events': { scope: 'unit', req: (f) => ({ params: { id: f.ticketA.id } }) },
  'POST /api/tickets/:id/dispatch': { scope: 'unit', req: (f) => ticket(f, { leadUnitId: f.units.streetA }) },
  'POST /api/tickets/:id/decline': { scope: 'unit', req: (f) => ticket(f, reason) },
  // bulk: the ticket ids travel in the body; each ticket answers for itself inside the 200 (scope and version per ticket)
  'POST /api/tickets/bulk/dispatch': {
    scope: 'global',
    req: (f) => ({ body: { tickets: [{ id: f.ticketA.id, version: STALE }], leadUnitId: f.units.streetA } }),
  },
  'POST /api/tickets/bulk/reply-approve': { scope: 'global', req: (f) => ({ body: { tickets: [{ id: f.ticketA.id, version: STALE }] } }) },
  'POST /api/tickets/bulk/merge': {
    scope: 'global',
    req: (f) => ({ body: { intoTicketId: f.confidentialA.id, tickets: [{ id: f.ticketA.id, version: STALE }] } }),
  },
  'POST /api/tickets/:id/merge': { scope: 'unit', req: (f) => ticket(f, { intoTicketId: f.confidentialA.id }) },
  'POST /api/tickets/:id/return/approve': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/return/reject': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/extension/approve': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/extension/reject': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/termination/approve': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/termination/reject': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/reply/approve': { scope: 'unit', req: (f) => ticket(f) },
  'POST /api/tickets/:id/reply/reject': { scope: 'unit', req: (f) => ticket(f, reason) },
  'POST /api/tickets/:id/callback': { scope: 'unit', req: (f) => ticket(f, { reached: true, solved: 'solved', satisfaction: 'satisfied' }) },
  'POST /api/tickets/:id/reopen': { scope: 'unit', req: (f) => ticket(f, reason) },
  'POST /api/tickets/:id/close': { scope: 'unit', req: (f) => ticket(f, { note: '已向诉求人解释说明' }) },
  'POST /api/assignments/:id/sign': { scope: 'unit', req: (f) => assignment(f) },
  'POST /api/assignments/:id/contact': { scope: 'unit', req: (f) => assignment(f, { method: 'phone', summary: '已电话联系诉求人' }) },
  'POST /api/assignments/:id/note': { scope: 'unit', req: (f) => assignment(f, { text: '现场查看' }) },
  'POST /api/assignments/:id/reply': { scope: 'unit', req: (f) => assignment(f, { content: '已处理完毕，问题已解决。' }) },
  'POST /api/assignments/:id/return': { scope: 'unit', req: (f) => assignment(f, reason) },
  'POST /api/assignments/:id/extension': { scope: 'unit', req: (f) => assignment(f, { ...reason, requestedDueAt: '2026-04-01T00:00:00Z' }) },
  'POST /api/assignments/:id/termination': { scope: 'unit', req: (f) => assignment(f, reason) },
  'POST /api/assignments/:id/triage': { scope: 'unit', req: (f) => assignment(f, { level: 'complex' }) },
  'GET /api/triage/queue': { scope: 'global' },
  'GET /api/metrics/triage': { scope: 'unit-query', req: metricsQuery },
  'POST /api/assignments/:id/hand-down': { scope: 'unit', req: (f) => assignment(f, { leadUnitId: f.units.streetB }) },
  // The parent's decisions name community A's sub-assignment, handed down by street A: street A reaches the stale
  // version (409), a unit elsewhere 404, a non-unit role 403; the chain's own refusals: access-matrix.test.ts.
  'POST /api/assignments/:id/sub-reply/approve': { scope: 'unit', req: (f) => sub(f) },
  'POST /api/assignments/:id/sub-reply/reject': { scope: 'unit', req: (f) => sub(f, reason) },
  'POST /api/assignments/:id/sub-return/approve': { scope: 'unit', req: (f) => sub(f) },
  'POST /api/assignments/:id/sub-return/reject': { scope: 'unit', req: (f) => sub(f) },
  'POST /api/assignments/:id/sub-extension/approve': { scope: 'unit', req: (f) => sub(f) },
  'POST /api/assignments/:id/sub-extension/reject': { scope: 'unit', req: (f) => sub(f) },
  'POST /api/assignments/:id/recall': { scope: 'unit', req: (f) => sub(f, reason) },
  'GET /api/chain/workbench': { scope: 'global' },
  'GET /api/units': { scope: 'global' },
  'GET /api/categories': { scope: 'global' },
  // administration
  'GET /api/admin/users': { scope: 'global' },
  'POST /api/admin/users': { scope: 'global', req: empty },
  'POST /api/admin/users/:id/deactivate': { scope: 'global', req: (f) => ({ params: { id: f.victimUser } }) },
  'POST /api/admin/users/:id/activate': { scope: 'global', req: (f) => ({ params: { id: f.victimUser } }) },
  // the security administrator (三权分立): every write below is refused before it changes anything, but the reset
  'GET /api/security/users': { scope: 'global' },
  'POST /api/security/users': { scope: 'global', req: empty },
  'POST /api/security/users/:id/role': { scope: 'global', req: (f) => ({ params: { id: f.victimUser }, body: {} }) },
  'POST /api/security/users/:id/password-reset': { scope: 'global', req: (f) => ({ params: { id: f.victimUser } }) },
  'GET /api/security/sessions': { scope: 'global' },
  // not a session id (64 hex digits): the role check passes, then validation answers 400
  'POST /api/security/sessions/:id/revoke': { scope: 'global', req: () => ({ params: { id: 'not-a-session' } }) },
  'GET /api/security/tokens': { scope: 'global' },
  'POST /api/security/tokens': { scope: 'global', req: empty },
  'DELETE /api/security/tokens/:id': { scope: 'global', req: (f) => ({ params: { id: f.token } }) },
  'GET /api/security/keys': { scope: 'global' },
  // the audit administrator (审计管理员): the audit log alone — query, chain verification, export, retention
  'GET /api/audit': { scope: 'global', req: () => ({ query: { action: 'read_caller_contact' } }) },
  'GET /api/audit/status': { scope: 'global' },
  'GET /api/audit/verify': { scope: 'global' },
  'GET /api/audit/export': { scope: 'global', req: () => ({ query: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' } }) },
  // calendar
  'GET /api/calendar': { scope: 'global', req: () => ({ query: { year: '2026' } }) },
  'GET /api/calendar/deadline': { scope: 'global', req: () => ({ query: { start: '2026-03-10T02:00:00Z', amount: '2', unit: 'natural_days' } }) },
  'PUT /api/calendar/days/:day': { scope: 'global', req: (f) => ({ params: { day: f.calendarDay }, body: {} }) },
  'DELETE /api/calendar/days/:day': { scope: 'global', req: (f) => ({ params: { day: f.calendarDay } }) },
  'PUT /api/calendar/working-hours': { scope: 'global', req: empty },
  'POST /api/calendar/import': { scope: 'global', req: empty },
  'GET /api/calendar/library': { scope: 'global' },
  'GET /api/calendar/library/:year': { scope: 'global', req: () => ({ params: { year: '2024' } }) },
  'POST /api/calendar/library/:year/import': { scope: 'global', req: () => ({ params: { year: '2024' } }) },
  // alerts, routing
  'GET /api/alerts': { scope: 'global' },
  'POST /api/alerts/:id/resolve': { scope: 'global', req: async (f) => ({ params: { id: await f.alert() } }) },
  'GET /api/routing/rules': { scope: 'global' },
  'GET /api/routing/rules/:id': { scope: 'global', req: (f) => ({ params: { id: f.rule } }) },
  'POST /api/routing/rules': { scope: 'global', req: empty },
  'PUT /api/routing/rules/:id': { scope: 'global', req: (f) => ({ params: { id: f.rule }, body: {} }) },
  'DELETE /api/routing/rules/:id': { scope: 'global', req: (f) => ({ params: { id: f.rule } }) },
  'GET /api/tickets/:id/suggestions': { scope: 'unit', req: (f) => ({ params: { id: f.ticketA.id } }) },
  'POST /api/routing/locate': { scope: 'global', req: () => ({ body: { address: '甲区甲街道幸福里3号楼' } }) },
  'GET /api/routing/boundaries': { scope: 'global' },
  'PUT /api/routing/boundaries/:unitId': { scope: 'global', req: (f) => ({ params: { unitId: f.boundaryUnit }, body: {} }) },
  'POST /api/routing/boundaries': { scope: 'global', req: empty },
  'DELETE /api/routing/boundaries/:unitId': { scope: 'global', req: (f) => ({ params: { unitId: f.boundaryUnit } }) },
  // notifications, attachments
  'GET /api/admin/notifications': { scope: 'global' },
  'GET /api/admin/templates': { scope: 'global' },
  'PUT /api/admin/templates/:key': { scope: 'global', req: (f) => ({ params: { key: f.template }, body: {} }) },
  'POST /api/tickets/:id/attachments': {
    scope: 'unit',
    // an empty upload: the ticket's visibility is checked before the bytes are judged (415 for a unit of its own)
    req: (f) => ({
      params: { id: f.ticketA.id },
      query: { kind: 'evidence' },
      raw: { body: Buffer.alloc(0), headers: { 'content-type': 'application/octet-stream' } },
    }),
  },
  'GET /api/tickets/:id/attachments': { scope: 'unit', req: (f) => ({ params: { id: f.ticketA.id } }) },
  'GET /api/attachments/:id': { scope: 'unit', req: (f) => ({ params: { id: f.attachmentA } }) },
  // SLA
  'POST /api/tickets/:id/supervise': { scope: 'unit', req: (f) => ticket(f) },
  'GET /api/sla/policies': { scope: 'global' },
  'POST /api/sla/policies': { scope: 'global', req: empty },
  'PUT /api/sla/policies/:id': { scope: 'global', req: (f) => ({ params: { id: f.policy }, body: {} }) },
  'DELETE /api/sla/policies/:id': { scope: 'global', req: (f) => ({ params: { id: f.policy } }) },
  'GET /api/sla/presets': { scope: 'global' },
  'POST /api/sla/presets/:name/apply': { scope: 'global', req: (f) => ({ params: { name: f.preset } }) },
  'GET /api/sla/awaiting-calendar': { scope: 'global' },
  'GET /api/sla/supervision': { scope: 'global' },
  'GET /api/sla/overdue': { scope: 'global' },
  'POST /api/sla/supervision/:id/resolve': { scope: 'global', req: (f) => ({ params: { id: f.supervisionItem } }) },
  'GET /api/supervision/key': { scope: 'global' },
  'GET /api/supervision/key/:kind': { scope: 'global', req: () => ({ params: { kind: 'overdue' } }) },
  'GET /api/accountability': { scope: 'global', req: (f) => ({ query: { unitId: String(f.units.streetA), month: '2026-03' } }) },
  // An empty body: the role check passes, then validation answers 400 (no accountability item in the fixtures).
  'POST /api/accountability/:id/resolve': { scope: 'global', req: () => ({ params: { id: 1 }, body: {} }) },
  'GET /api/sla/reminders': { scope: 'global' },
  // public, telephony, callbacks
  'GET /api/public/lookup': { scope: 'global', req: (f) => ({ query: { number: f.ticketA.number, last4: '5678' } }) },
  'POST /api/telephony/call-events': { scope: 'global', req: empty },
  'GET /api/callbacks/queue': { scope: 'global' },
  'GET /api/centre/waiting': { scope: 'global' },
  'GET /api/callbacks/disputed': { scope: 'global' },
  // appeals
  'POST /api/assignments/:id/appeal': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.assignmentA }, body: { reasonCode: 'other', reason: '安全测试：第二次申诉' } }),
  },
  'GET /api/appeals': { scope: 'unit-query', req: (f) => ({ query: { unitId: String(f.units.streetA) } }) },
  'GET /api/appeals/:id': { scope: 'unit', req: (f) => ({ params: { id: f.appealA } }) },
  // The level above decides: appealA is on the centre's dispatch, so its own unit's leader may not (a parent unit's
  // leader decides its sub-units' appeals: test/integration/metrics-chain.test.ts).
  'POST /api/appeals/:id/approve': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.appealA }, body: { note: '同意免考' } }),
    expect: { 'unit_leader@own': FORBIDDEN },
  },
  'POST /api/appeals/:id/reject': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.appealA }, body: { note: '不予免考' } }),
    expect: { 'unit_leader@own': FORBIDDEN },
  },
  // citizen ratings (the caller, no sign-in) and their verification (差评核实)
  'GET /api/public/ratings/link': { scope: 'global', req: () => ({ query: { token: 'rt_not-a-real-link-token' } }), expect: publicNotFound },
  'POST /api/public/ratings': {
    scope: 'global',
    req: (f) => ({ body: { number: f.ticketA.number, last4: '0000', level: 'satisfied' } }),
    expect: publicNotFound,
  },
  'GET /api/rating-verifications': { scope: 'global' },
  'GET /api/rating-verifications/:id': { scope: 'unit', req: (f) => ({ params: { id: f.verificationA } }) },
  // The rated unit's leader appeals, a supervisor decides, the unit rectifies (only once confirmed: 409 here).
  'POST /api/rating-verifications/:id/appeal': { scope: 'unit', req: (f) => ({ params: { id: f.verificationA }, body: reason }) },
  'POST /api/rating-verifications/:id/decision': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.verificationA }, body: { confirm: true, note: '安全测试：核实属实' } }),
  },
  'POST /api/rating-verifications/:id/rectification': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.verificationA }, body: { text: '安全测试：已整改', answer: '安全测试：已答复' } }),
  },
  // metrics
  'GET /api/metrics': { scope: 'unit-query', req: metricsQuery },
  'GET /api/metrics.csv': { scope: 'unit-query', req: metricsQuery },
  'GET /api/metrics/rankings': { scope: 'global', req: () => ({ query: { level: 'street' } }) },
  'GET /api/metrics/summary': { scope: 'unit-query', req: metricsQuery },
  'GET /api/metrics/tickets': { scope: 'unit-query', req: (f) => ({ query: { ...metricsQuery(f).query, metric: 'reply_rate', part: 'denominator' } }) },
  'GET /api/metrics/settings': { scope: 'global' },
  'PUT /api/metrics/settings': { scope: 'global', req: empty },
  // hotspots, governance topics, monthly reports: centre-level, not a unit's
  'GET /api/hotspots': { scope: 'global', req: () => ({ query: { at: '2026-03-10' } }) },
  'GET /api/governance/topics': { scope: 'global' },
  'POST /api/governance/topics': { scope: 'global', req: empty },
  'GET /api/governance/topics/:id': { scope: 'global', req: (f) => ({ params: { id: f.topic } }) },
  'PUT /api/governance/topics/:id': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/governance/topics/:id/start': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/governance/topics/:id/resolve': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/governance/topics/:id/reopen': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/governance/topics/:id/close': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/governance/topics/:id/tickets': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'DELETE /api/governance/topics/:id/tickets/:ticketId': {
    scope: 'global',
    req: async (f) => ({ params: { id: await f.linkedTopic(), ticketId: f.ticketA.id } }),
  },
  'POST /api/governance/topics/:id/notes': { scope: 'global', req: (f) => ({ params: { id: f.topic }, body: {} }) },
  'POST /api/reports/monthly': { scope: 'global', req: empty },
  'GET /api/reports/monthly': { scope: 'global' },
  'GET /api/reports/monthly/:month.pdf': { scope: 'global', req: (f) => ({ params: { month: f.reportMonth } }) },
  'GET /api/reports/monthly/:month.xlsx': { scope: 'global', req: (f) => ({ params: { month: f.reportMonth } }) },
  'GET /api/reports/monthly/:month': { scope: 'global', req: (f) => ({ params: { month: f.reportMonth } }) },
  // drafts: each user's own, by form key (no ids of anyone else's to name)
  'GET /api/drafts/:key': { scope: 'global', req: () => ({ params: { key: 'intake' } }) },
  'PUT /api/drafts/:key': { scope: 'global', req: () => ({ params: { key: 'intake' }, body: { body: { content: '安全测试草稿' } } }) },
  'DELETE /api/drafts/:key': { scope: 'global', req: () => ({ params: { key: 'intake' } }) },
  // the notification centre (消息中心): the caller's own rows only
  'GET /api/inbox': { scope: 'global', req: () => ({ query: { unread: 'true' } }) },
  'GET /api/inbox/unread-count': { scope: 'global' },
  'POST /api/inbox/:id/read': { scope: 'global', req: () => ({ params: { id: STALE } }), expect: notYours },
  'POST /api/inbox/read-all': { scope: 'global', req: empty },
  // callers' personal data (PIPL): the security administrator's; a number with no tickets, so an erasure changes nothing
  'GET /api/privacy/retention': { scope: 'global' },
  'POST /api/privacy/subject-requests/export': { scope: 'global', req: () => ({ body: subjectRequest }) },
  'POST /api/privacy/subject-requests/erase': { scope: 'global', req: () => ({ body: subjectRequest }) },
  // the optional language-model hook: off in the matrix (no LLM_BASE_URL), so whoever may ask about ticket A gets the
  // stable 404 llm_not_configured after the visibility check (another unit: ticket_not_found, as everywhere)
  'POST /api/tickets/:id/assist/summary': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.ticketA.id } }),
    expect: llmOff(['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'supervisor', 'admin', 'unit_handler@own', 'unit_leader@own']),
  },
  'POST /api/tickets/:id/assist/reply-check': {
    scope: 'unit',
    req: (f) => ({ params: { id: f.ticketA.id }, body: {} }),
    expect: llmOff(['dispatcher', 'supervisor', 'unit_handler@own', 'unit_leader@own']),
  },
};

/**
 * Routes that show centre staff a caller's full number (each read there is audited or is the audit itself),
 * besides the writes on a ticket, which answer with the ticket's detail view. Anywhere else — every list,
 * export and dashboard — a full number is a leak, even to the centre.
 */
export const centreSeesFullContact = (key: string) =>
  CENTRE_FULL_CONTACT.has(key) || /^POST \/api\/(tickets|tickets\/:id\/[\w/]+|assignments\/:id\/[\w/]+)$/.test(key);
const CENTRE_FULL_CONTACT = new Set<string>([
  'GET /api/tickets/:id',
  'GET /api/tickets/by-number/:number',
  'GET /api/intake/caller-history',
  'GET /api/intake/duplicates',
  'GET /api/callbacks/queue',
  'GET /api/callbacks/disputed',
  'GET /api/audit',
  'GET /api/audit/export',
  'GET /api/admin/notifications',
  'POST /api/privacy/subject-requests/export',
]);
