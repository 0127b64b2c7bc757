/**
 * The contract shared by the server and the web app (src/contract/): every vocabulary has a name for every
 * value, the database enums are the contract's lists, the event map covers the lifecycle's actions, the
 * socket maps carry the event types, the phone normalisation is the intake schema's — and the folder imports
 * nothing at run time, so the browser bundles it as it is. (Which event types the product really writes:
 * test/integration/event-contract.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as labels from '../../src/contract/labels.ts';
import * as v from '../../src/contract/vocab.ts';
import { normalisePhone } from '../../src/contract/phone.ts';
import type { AssignmentStamp, CentreDecision, TicketEventOf, TicketEventPayloads, TicketEventType } from '../../src/contract/events.ts';
import type { ServerToClientEvents, TicketEventMessage } from '../../src/contract/socket.ts';
import * as enums from '../../db/schema/enums.ts';
import { phone } from '../../src/domain/tickets/inputs.ts';
import { ASSIGNMENT_TABLE, TICKET_TABLE } from '../../src/domain/tickets/status.ts';

const CONTRACT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/contract');

/** Each label table with the vocabulary it names. */
const TABLES: [string, Record<string, string>, readonly string[]][] = [
  ['STATUS_LABELS', labels.STATUS_LABELS, [...new Set([...v.TICKET_STATUSES, ...v.ASSIGNMENT_STATUSES])]],
  ['ACTION_LABELS', labels.ACTION_LABELS, [...v.TICKET_ACTIONS, ...v.ASSIGNMENT_ACTIONS]],
  ['ROLE_LABELS', labels.ROLE_LABELS, v.ROLES],
  ['UNIT_KIND_LABELS', labels.UNIT_KIND_LABELS, v.UNIT_KINDS],
  ['CHANNEL_LABELS', labels.CHANNEL_LABELS, v.CHANNELS],
  ['TICKET_TYPE_LABELS', labels.TICKET_TYPE_LABELS, v.TICKET_TYPES],
  ['URGENCY_LABELS', labels.URGENCY_LABELS, v.URGENCIES],
  ['WINDOW_REASON_LABELS', labels.WINDOW_REASON_LABELS, v.WINDOW_REASONS],
  ['DISPOSITION_LABELS', labels.DISPOSITION_LABELS, v.DISPOSITIONS],
  ['CLOSE_REASON_LABELS', labels.CLOSE_REASON_LABELS, v.CLOSE_REASONS],
  ['ASSIGNMENT_ROLE_LABELS', labels.ASSIGNMENT_ROLE_LABELS, v.ASSIGNMENT_ROLES],
  ['REQUEST_KIND_LABELS', labels.REQUEST_KIND_LABELS, v.REQUEST_KINDS],
  ['CONTACT_METHOD_LABELS', labels.CONTACT_METHOD_LABELS, v.CONTACT_METHODS],
  ['SOLVED_LABELS', labels.SOLVED_LABELS, v.SOLVED_RESULTS],
  ['SATISFACTION_LABELS', labels.SATISFACTION_LABELS, v.SATISFACTIONS],
  ['RATING_LEVEL_LABELS', labels.RATING_LEVEL_LABELS, v.RATING_LEVELS],
  ['VERIFICATION_STATUS_LABELS', labels.VERIFICATION_STATUS_LABELS, v.VERIFICATION_STATUSES],
  ['WARNING_LEVEL_LABELS', labels.WARNING_LEVEL_LABELS, v.WARNING_LEVELS],
  ['CLOCK_LABELS', labels.CLOCK_LABELS, v.CLOCKS],
  ['CENTRE_CLOCK_LABELS', labels.CENTRE_CLOCK_LABELS, v.CENTRE_CLOCKS],
  ['SUB_DECISION_LABELS', labels.SUB_DECISION_LABELS, v.SUB_DECISIONS],
  ['SUPERVISION_KIND_LABELS', labels.SUPERVISION_KIND_LABELS, v.SUPERVISION_KINDS],
  ['KEY_TICKET_KIND_LABELS', labels.KEY_TICKET_KIND_LABELS, v.KEY_TICKET_KINDS],
  ['DAY_KIND_LABELS', labels.DAY_KIND_LABELS, v.CALENDAR_DAY_KINDS],
  ['APPEAL_REASON_LABELS', labels.APPEAL_REASON_LABELS, v.APPEAL_REASON_CODES],
  ['TOPIC_STATUS_LABELS', labels.TOPIC_STATUS_LABELS, v.TOPIC_STATUSES],
  ['TOPIC_ACTION_LABELS', labels.TOPIC_ACTION_LABELS, v.TOPIC_ACTIONS],
];

describe('label tables', () => {
  it('every exported table is checked here', () => {
    expect(Object.keys(labels).sort()).toEqual([...TABLES.map(([name]) => name), 'EVENT_LABELS'].sort());
  });

  it.each(TABLES)('%s names exactly its vocabulary, each value by a name of its own', (_name, table, values) => {
    expect(Object.keys(table).sort()).toEqual([...values].sort());
    for (const value of values) {
      expect(table[value]!.trim(), value).not.toBe('');
      expect(table[value], value).not.toBe(value); // a name, not the raw value
    }
    expect(new Set(Object.values(table)).size).toBe(values.length);
  });

  it("EVENT_LABELS names every lifecycle action as an event, a unit's sign and reply by whose they were", () => {
    for (const action of [...v.TICKET_ACTIONS, ...v.ASSIGNMENT_ACTIONS]) expect(labels.EVENT_LABELS[action], action).toBeTruthy();
    expect(labels.EVENT_LABELS.dispatch).toBe(labels.ACTION_LABELS.dispatch);
    expect(labels.EVENT_LABELS.sign).toBe('承办单位签收');
    expect(labels.EVENT_LABELS.sla_warning).toBe('时限预警');
    expect(new Set(Object.values(labels.EVENT_LABELS)).size).toBe(Object.keys(labels.EVENT_LABELS).length);
  });
});

describe('vocabularies', () => {
  it("the database enums are the contract's lists", () => {
    const pairs: [readonly string[], readonly string[]][] = [
      [enums.ticketStatus.enumValues, v.TICKET_STATUSES],
      [enums.assignmentStatus.enumValues, v.ASSIGNMENT_STATUSES],
      [enums.role.enumValues, v.ROLES],
      [enums.channel.enumValues, v.CHANNELS],
      [enums.warningLevel.enumValues, v.WARNING_LEVELS],
      [enums.assignmentRole.enumValues, v.ASSIGNMENT_ROLES],
      [enums.closeReason.enumValues, v.CLOSE_REASONS],
      [enums.timeUnit.enumValues, v.TIME_UNITS],
    ];
    for (const [db, contract] of pairs) expect(db).toEqual(contract);
  });

  it("the transition tables cover exactly the contract's actions", () => {
    expect(Object.keys(TICKET_TABLE)).toEqual([...v.TICKET_ACTIONS]);
    expect(Object.keys(ASSIGNMENT_TABLE)).toEqual([...v.ASSIGNMENT_ACTIONS]);
  });

  it("every action that decides a centre clock is a ticket action, and the clock is one of the centre's", () => {
    for (const [action, clock] of Object.entries(v.CENTRE_CLOCK_OF)) {
      expect(v.TICKET_ACTIONS).toContain(action);
      expect(v.CENTRE_CLOCKS).toContain(clock);
    }
  });
});

describe('normalisePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    [' +86 138 1234 5678 ', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    ['(010)12345678', '010-12345678'],
    ['01012345678', '010-12345678'],
    ['075588889999-123', '0755-88889999-123'],
    ['02112345678', '021-12345678'],
    ['1381234567', null],
    ['23812345678', null],
    ['10086', null],
    ['', null],
  ])('%j → %j, as the intake schema stores it', (raw, stored) => {
    expect(normalisePhone(raw)).toBe(stored);
    const parsed = phone.safeParse(raw);
    expect(parsed.success ? parsed.data : null).toBe(stored);
  });
});

describe('the contract folder', () => {
  it('imports nothing at run time: only types, and only from itself', () => {
    for (const file of fs.readdirSync(CONTRACT)) {
      const text = fs.readFileSync(path.join(CONTRACT, file), 'utf8');
      const imports = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'[^']+'|^\s*import\s+'[^']+'/gms)].map((m) => m[0].trim());
      // The files that build on nothing else (the check that the pattern finds the others' imports at all).
      if (!['vocab.ts', 'phone.ts', 'assist.ts'].includes(file)) expect(imports.length, file).toBeGreaterThan(0);
      for (const line of imports) {
        expect(line, `${file}: ${line}`).toMatch(/^import type\b/);
        expect(line, `${file}: ${line}`).toMatch(/from '\.\/[\w-]+\.ts'$/);
      }
    }
  });
});

describe('types', () => {
  it('the event map is derived from the lifecycle: every action is an event type with its payload', () => {
    expectTypeOf<v.TicketAction | v.AssignmentAction>().toMatchTypeOf<TicketEventType>();
    expectTypeOf<keyof typeof labels.EVENT_LABELS>().toEqualTypeOf<TicketEventType>();
    // A unit action's event says whose assignment it was; a centre decision records the wait it ended.
    expectTypeOf<TicketEventPayloads['sign']>().toEqualTypeOf<Record<never, never> & AssignmentStamp>();
    expectTypeOf<TicketEventPayloads['reply']>().toMatchTypeOf<AssignmentStamp & { content: string }>();
    expectTypeOf<TicketEventPayloads['approve_reply']['centre']>().toEqualTypeOf<CentreDecision>();
    expectTypeOf<TicketEventPayloads['dispatch']['centre']>().toEqualTypeOf<CentreDecision | undefined>();
    expectTypeOf<TicketEventPayloads['decline']>().not.toHaveProperty('centre');
    // Switching on the type gives that type's payload.
    expectTypeOf<Extract<TicketEventOf, { type: 'sla_warning' }>['payload']['level']>().toEqualTypeOf<v.Level>();
  });

  it('the socket maps carry the event types and statuses', () => {
    expectTypeOf<Parameters<ServerToClientEvents['ticket:event']>[0]>().toEqualTypeOf<TicketEventMessage>();
    expectTypeOf<TicketEventMessage['type']>().toEqualTypeOf<TicketEventType>();
    expectTypeOf<TicketEventMessage['toStatus']>().toEqualTypeOf<v.TicketStatus | null>();
  });
});
