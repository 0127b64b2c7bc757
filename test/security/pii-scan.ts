/**
 * The PII scan: every response body (and Socket.IO event) the security tests receive is recorded with who
 * asked; at the end of each file no body may hold a seeded caller's full number, or a confidential caller's
 * name or masked number, for a subject that may not see it.
 *
 * Who may see what (src/domain/tickets/policy.ts callerVisibility, presenter.ts presentCaller):
 * - centre roles see full contact details, but only where a route is declared to show them (the ticket detail,
 *   the intake aids, the callback queues, the audit log, the SMS outbox: centreSeesFullContact); lists mask;
 * - units see masked numbers (no seeded caller allowed direct contact) and nothing of a confidential caller;
 * - intake clients, the public look-up, Open311 and anonymous callers see no contact details at all.
 *
 * Numbers typed into free text (IN_TEXT: demands, titles, contact summaries, notes, replies, reasons, decision
 * notes, callback comments, public replies, hand-down notes, sub-replies and their rejections — none a caller's own
 * field) follow the caller's number: whole for the centre only where it reads one ticket (the routes of
 * centreSeesFullContact and the ticket's timeline), never whole for anyone else — a unit at any level of the
 * chain included — nor in any list, export, report or public text.
 */
import { apiRoutes } from '../../src/http/routes/index.ts';
import { CENTRE_ROLES } from '../../src/domain/vocab.ts';
import { centreSeesFullContact, routeKey, type Subject } from './expectations.ts';

/** The seeded callers: each number is unique to one ticket, so a hit names the leak. */
export const SEEDED = {
  plain: { name: '王先生', phone: '13812345678' },
  confidential: { name: '孙保密人', phone: '13912349876' },
  waiting: { name: '钱某某', phone: '13712340001' },
  portal: { name: '赵网友', phone: '13612340002' },
  /** the caller of the ticket handed down the chain */
  chain: { name: '李街坊', phone: '13512340003' },
} as const;

export const mask = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const FULL_NUMBERS = Object.values(SEEDED).map((c) => c.phone);

/** Phone numbers written into tickets' free text, as typed (several spellings); each names where it was typed. */
export const IN_TEXT = {
  content: '15987654321',
  contentLandline: '(0531)8765 4321',
  title: '136 5555 0404',
  contact: '+86 136-5555-0101',
  note: '0531-86661234-88',
  reply: '13655550202',
  publicReply: '010-62345678',
  reason: '0531-86660000',
  decision: '13655550505',
  callback: '１３６５５５５０６０６',
  supervision: '0531-86667777',
  // the chain of levels: the district's and the street's hand-down notes, the community's sub-reply, the street's rejection of it
  handDown: '0531-86668888',
  subHandDown: '13655550707',
  subReply: '13655550808',
  subReject: '0531-86669999',
} as const;
const TEXT_NUMBERS = Object.values(IN_TEXT);

/** Where a centre role reads one ticket in full: numbers in its free text are whole there (the timeline too). */
export const centreSeesWhole = (key: string) => centreSeesFullContact(key) || key === 'GET /api/tickets/:id/events';

export type Recorded = { subject: Subject | 'open311' | 'public'; method: string; url: string; status: number; text: string };

type Compiled = { key: string; method: string; re: RegExp; params: number };
const compiled: Compiled[] = apiRoutes
  .map((r) => ({
    key: routeKey(r),
    method: r.method.toUpperCase(),
    re: new RegExp(`^${r.path.replace(/[.]/g, '\\.').replace(/:\w+/g, '[^/]+')}$`),
    params: (r.path.match(/:\w+/g) ?? []).length,
  }))
  .sort((a, b) => a.params - b.params);

/** The route key (`GET /api/tickets/:id`) a request went to, or null outside the API route table. */
export function routeOf(method: string, url: string): string | null {
  const p = url.split('?')[0]!;
  return compiled.find((c) => c.method === method && c.re.test(p))?.key ?? null;
}

export type Leak = { subject: string; method: string; url: string; status: number; found: string };

/** What must not appear in this response for this subject. */
export function forbiddenIn(r: Pick<Recorded, 'subject' | 'method' | 'url'>): string[] {
  const centre = (CENTRE_ROLES as readonly string[]).includes(r.subject);
  if (centre) {
    const key = routeOf(r.method, r.url);
    return key && centreSeesWhole(key) ? [] : [...FULL_NUMBERS, ...TEXT_NUMBERS];
  }
  return [...FULL_NUMBERS, ...TEXT_NUMBERS, SEEDED.confidential.name, mask(SEEDED.confidential.phone)];
}

export function scan(entries: Recorded[]): Leak[] {
  const leaks: Leak[] = [];
  for (const e of entries) {
    for (const s of forbiddenIn(e)) if (e.text.includes(s)) leaks.push({ subject: e.subject, method: e.method, url: e.url, status: e.status, found: s });
  }
  return leaks;
}

export class Recorder {
  readonly entries: Recorded[] = [];
  record(e: Recorded) {
    this.entries.push(e);
  }
  leaks(): Leak[] {
    return scan(this.entries);
  }
  /** How many bodies were scanned and how many bytes. */
  get size() {
    return { bodies: this.entries.length, bytes: this.entries.reduce((n, e) => n + e.text.length, 0) };
  }
}
