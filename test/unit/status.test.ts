import { describe, it, expect } from 'vitest';
import {
  ASSIGNMENT_ACTIONS,
  ASSIGNMENT_STATUSES,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  assignmentTransition,
  callbackAction,
  ticketTransition,
  type AssignmentAction,
  type AssignmentStatus,
  type TicketAction,
  type TicketStatus,
} from '../../src/domain/tickets/status.ts';

/**
 * The lifecycle of docs/domain.md §4, written out by hand. Deliberately NOT derived from TICKET_TABLE /
 * ASSIGNMENT_TABLE: if the table drifts from the design, these tests fail.
 */

// ---------------------------------------------------------------- ticket level

/** status → action → target. Anything not listed is illegal. */
const EXPECTED_TICKET: Record<TicketStatus, Partial<Record<TicketAction, TicketStatus>>> = {
  awaiting_dispatch: {
    dispatch: 'awaiting_sign', // 派单
    decline: 'closed', // 不予受理
    merge: 'closed', // 并单 into another open ticket
  },
  awaiting_sign: {},
  in_progress: {
    // extension request → approved: new deadline / rejected; the status does not move
    approve_extension: 'in_progress',
    reject_extension: 'in_progress',
  },
  return_requested: {
    approve_return: 'awaiting_dispatch', // return approved → back to dispatch
    reject_return: 'in_progress', // return rejected: back to the unit, deadline runs on
  },
  termination_requested: {
    approve_termination: 'closed', // terminated
    reject_termination: 'in_progress',
  },
  awaiting_review: {
    approve_reply: 'awaiting_callback',
    reject_reply: 'in_progress', // redo
    // an extension asked for before the reply may still be decided while the reply awaits review
    approve_extension: 'awaiting_review',
    reject_extension: 'awaiting_review',
  },
  awaiting_callback: {
    callback_close: 'closed', // solved and (basically) satisfied
    callback_dispute: 'callback_disputed', // unsolved or dissatisfied → supervisor decides
    callback_retry: 'awaiting_callback', // not reached, attempts left
    callback_unreached: 'closed', // not reached, no attempts left
  },
  callback_disputed: {
    reopen: 'in_progress', // 重办: back to the lead unit, redo count +1
    close: 'closed', // supervisor closes with an explanation
  },
  closed: {},
};

const ticketCases = TICKET_STATUSES.flatMap((status) =>
  TICKET_ACTIONS.map((action) => ({ status, action, expected: EXPECTED_TICKET[status][action] ?? null })),
);

describe('ticketTransition: every status × every action', () => {
  it('covers the full cross product', () => {
    expect(ticketCases).toHaveLength(TICKET_STATUSES.length * TICKET_ACTIONS.length);
    expect(TICKET_STATUSES).toHaveLength(9);
    expect(TICKET_ACTIONS).toHaveLength(17);
  });

  it.each(ticketCases)('$status + $action → $expected', ({ status, action, expected }) => {
    const t = ticketTransition(status, action);
    if (expected === null) {
      expect(t).toEqual({ ok: false });
    } else {
      expect(t).toEqual({ ok: true, to: expected });
    }
  });

  it('nothing leaves closed', () => {
    for (const action of TICKET_ACTIONS) expect(ticketTransition('closed', action).ok).toBe(false);
  });
});

// ---------------------------------------------------------------- assignment level

type Role = 'lead' | 'assist';
type Legal = {
  ticket: TicketStatus;
  role: Role;
  assignment: AssignmentStatus;
  action: AssignmentAction;
  ticketTo: TicketStatus;
  assignmentTo: AssignmentStatus;
};

/** While the ticket is with the units (dispatched and not yet reviewed/closed), units work on it. */
const WITH_UNITS: TicketStatus[] = ['awaiting_sign', 'in_progress', 'return_requested', 'termination_requested', 'awaiting_review'];

/** Compact builder: one row per (ticket statuses × assignment statuses) block of the expectation. */
function rows(
  action: AssignmentAction,
  role: Role,
  tickets: TicketStatus[],
  assignments: AssignmentStatus[],
  ticketTo: TicketStatus | 'same',
  assignmentTo: AssignmentStatus | 'same',
): Legal[] {
  return tickets.flatMap((ticket) =>
    assignments.map((assignment) => ({
      ticket,
      role,
      assignment,
      action,
      ticketTo: ticketTo === 'same' ? ticket : ticketTo,
      assignmentTo: assignmentTo === 'same' ? assignment : assignmentTo,
    })),
  );
}

const EXPECTED_ASSIGNMENT: Legal[] = [
  // sign (签收): the lead's sign moves the ticket to in progress; an assisting unit signs on its own
  ...rows('sign', 'lead', ['awaiting_sign'], ['awaiting_sign'], 'in_progress', 'in_progress'),
  ...rows('sign', 'assist', WITH_UNITS, ['awaiting_sign'], 'same', 'in_progress'),

  // contact the caller (响应): after signing, also after replying; the lead whenever it holds the ticket,
  // including while its own return or termination request awaits review (the clock runs on)
  ...rows('contact', 'lead', ['in_progress', 'return_requested', 'termination_requested', 'awaiting_review'], ['in_progress', 'replied'], 'same', 'same'),
  ...rows('contact', 'assist', WITH_UNITS, ['in_progress', 'replied'], 'same', 'same'),

  // note (办理记录): any live assignment while the ticket is with the units
  ...rows('note', 'lead', WITH_UNITS, ['awaiting_sign', 'in_progress', 'replied'], 'same', 'same'),
  ...rows('note', 'assist', WITH_UNITS, ['awaiting_sign', 'in_progress', 'replied'], 'same', 'same'),

  // reply (答复): the lead's reply sends the ticket to review; an assisting unit's reply moves only itself
  ...rows('reply', 'lead', ['in_progress'], ['in_progress'], 'awaiting_review', 'replied'),
  ...rows('reply', 'assist', WITH_UNITS, ['in_progress'], 'same', 'replied'),

  // requests: lead unit only, from in progress
  ...rows('request_return', 'lead', ['in_progress'], ['in_progress'], 'return_requested', 'in_progress'),
  ...rows('request_extension', 'lead', ['in_progress'], ['in_progress'], 'in_progress', 'in_progress'),
  ...rows('request_termination', 'lead', ['in_progress'], ['in_progress'], 'termination_requested', 'in_progress'),

  // hand down (下派) to units beneath: the lead while the ticket is in progress, an assisting unit while the
  // ticket is with the units; neither the ticket nor the holder's assignment moves (it stays accountable)
  ...rows('hand_down', 'lead', ['in_progress'], ['in_progress'], 'same', 'same'),
  ...rows('hand_down', 'assist', WITH_UNITS, ['in_progress'], 'same', 'same'),

  // triage (研判分类): the lead once signed, while the ticket is in progress
  ...rows('triage', 'lead', ['in_progress'], ['in_progress'], 'same', 'same'),
];

const key = (t: TicketStatus, r: Role, a: AssignmentStatus, x: AssignmentAction) => `${t}|${r}|${a}|${x}`;
const EXPECTED_BY_KEY = new Map(EXPECTED_ASSIGNMENT.map((l) => [key(l.ticket, l.role, l.assignment, l.action), l]));

const ROLES: Role[] = ['lead', 'assist'];
const assignmentCases = TICKET_STATUSES.flatMap((ticket) =>
  ASSIGNMENT_STATUSES.flatMap((status) =>
    ROLES.flatMap((role) =>
      ASSIGNMENT_ACTIONS.map((action) => {
        const legal = EXPECTED_BY_KEY.get(key(ticket, role, status, action));
        return { ticket, status, role, action, expected: legal ? { ticketTo: legal.ticketTo, assignmentTo: legal.assignmentTo } : null };
      }),
    ),
  ),
);

describe('assignmentTransition: every ticket status × assignment status × role × action', () => {
  it('covers the full cross product, and the expectation has no duplicates', () => {
    expect(assignmentCases).toHaveLength(TICKET_STATUSES.length * ASSIGNMENT_STATUSES.length * 2 * ASSIGNMENT_ACTIONS.length);
    expect(EXPECTED_BY_KEY.size).toBe(EXPECTED_ASSIGNMENT.length);
  });

  it.each(assignmentCases)('ticket $ticket, $role $status + $action → $expected', ({ ticket, status, role, action, expected }) => {
    const t = assignmentTransition(ticket, { role, status }, action);
    if (expected === null) {
      expect(t).toEqual({ ok: false });
    } else {
      expect(t).toEqual({ ok: true, ...expected });
    }
  });

  it('an assisting unit never moves the ticket', () => {
    for (const c of assignmentCases.filter((c) => c.role === 'assist')) {
      const t = assignmentTransition(c.ticket, { role: 'assist', status: c.status }, c.action);
      if (t.ok) expect(t.ticketTo).toBe(c.ticket);
    }
  });

  it('a returned or closed assignment can do nothing, whatever the ticket', () => {
    for (const ticket of TICKET_STATUSES)
      for (const status of ['returned', 'closed'] as const)
        for (const role of ROLES) for (const action of ASSIGNMENT_ACTIONS) expect(assignmentTransition(ticket, { role, status }, action).ok).toBe(false);
  });

  it('an assisting unit cannot request a return, extension or termination', () => {
    for (const action of ['request_return', 'request_extension', 'request_termination'] as const)
      for (const ticket of TICKET_STATUSES) expect(assignmentTransition(ticket, { role: 'assist', status: 'in_progress' }, action).ok).toBe(false);
  });
});

// ---------------------------------------------------------------- callback sub-action

describe('callbackAction', () => {
  const max = 3;
  it.each([
    { name: 'not reached, first attempt', input: { reached: false, attempts: 1, maxAttempts: max }, expected: 'callback_retry' },
    { name: 'not reached, attempts left', input: { reached: false, attempts: max - 1, maxAttempts: max }, expected: 'callback_retry' },
    { name: 'not reached, last attempt', input: { reached: false, attempts: max, maxAttempts: max }, expected: 'callback_unreached' },
    { name: 'not reached, beyond max', input: { reached: false, attempts: max + 1, maxAttempts: max }, expected: 'callback_unreached' },
    {
      name: 'not reached ignores stray answers',
      input: { reached: false, solved: 'solved' as const, satisfaction: 'satisfied' as const, attempts: 1, maxAttempts: max },
      expected: 'callback_retry',
    },
    {
      name: 'solved + satisfied',
      input: { reached: true, solved: 'solved' as const, satisfaction: 'satisfied' as const, attempts: 1, maxAttempts: max },
      expected: 'callback_close',
    },
    {
      name: 'partly + basically satisfied',
      input: { reached: true, solved: 'partly' as const, satisfaction: 'basically_satisfied' as const, attempts: 1, maxAttempts: max },
      expected: 'callback_close',
    },
    {
      name: 'unsolved + satisfied',
      input: { reached: true, solved: 'unsolved' as const, satisfaction: 'satisfied' as const, attempts: 1, maxAttempts: max },
      expected: 'callback_dispute',
    },
    {
      name: 'solved + dissatisfied',
      input: { reached: true, solved: 'solved' as const, satisfaction: 'dissatisfied' as const, attempts: 1, maxAttempts: max },
      expected: 'callback_dispute',
    },
    {
      name: 'unsolved + dissatisfied, at max attempts',
      input: { reached: true, solved: 'unsolved' as const, satisfaction: 'dissatisfied' as const, attempts: max, maxAttempts: max },
      expected: 'callback_dispute',
    },
    {
      name: 'partly + dissatisfied',
      input: { reached: true, solved: 'partly' as const, satisfaction: 'dissatisfied' as const, attempts: 2, maxAttempts: max },
      expected: 'callback_dispute',
    },
  ])('$name → $expected', ({ input, expected }) => {
    expect(callbackAction(input)).toBe(expected);
  });

  it('every sub-action it picks is legal from awaiting_callback', () => {
    for (const reached of [true, false])
      for (const attempts of [1, max])
        for (const solved of ['solved', 'partly', 'unsolved'] as const)
          for (const satisfaction of ['satisfied', 'basically_satisfied', 'dissatisfied'] as const) {
            const a = callbackAction({ reached, solved, satisfaction, attempts, maxAttempts: max });
            expect(ticketTransition('awaiting_callback', a).ok).toBe(true);
          }
  });
});
