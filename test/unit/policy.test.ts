import { describe, it, expect } from 'vitest';
import { callerVisibility, mayAssignment, mayTicket, readsAll, readsScoped } from '../../src/domain/tickets/policy.ts';
import { ASSIGNMENT_ACTIONS, TICKET_ACTIONS, type TicketAction } from '../../src/domain/tickets/status.ts';
import { ROLES, type Role } from '../../src/domain/vocab.ts';

/** Written out here, not imported, so a role moving between groups fails the tests. */
const CENTRE: Role[] = ['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'supervisor', 'admin'];
const UNIT: Role[] = ['unit_handler', 'unit_leader'];
/** The security and audit administrators read no tickets at all (their routes say so); should one reach a ticket, it gets no more than a unit. */
const NO_TICKETS: Role[] = ['security_admin', 'audit_admin'];

describe('callerVisibility', () => {
  const flags = [
    { confidential: false, allowDirectContact: false },
    { confidential: false, allowDirectContact: true },
    { confidential: true, allowDirectContact: false },
    { confidential: true, allowDirectContact: true }, // rejected at intake, but the policy must still fail closed
  ];

  function expected(role: Role, f: (typeof flags)[number]) {
    if (CENTRE.includes(role)) return 'full';
    // unit roles — and the intake client, which reads only the tickets it submitted, and the security and audit
    // administrators, which read none — get no more than a unit
    if (f.confidential) return 'hidden';
    return f.allowDirectContact ? 'full' : 'masked';
  }

  const cases = ROLES.flatMap((role) => flags.map((f) => ({ role, ...f, expected: expected(role, f) })));

  it('knows every role', () => {
    expect([...CENTRE, ...UNIT, ...NO_TICKETS, 'intake_client'].sort()).toEqual([...ROLES].sort());
  });

  it.each(cases)(
    '$role, confidential=$confidential, allowDirectContact=$allowDirectContact → $expected',
    ({ role, confidential, allowDirectContact, expected }) => {
      expect(callerVisibility({ role }, { confidential, allowDirectContact })).toBe(expected);
    },
  );

  it('a confidential ticket hides the caller from every unit role', () => {
    for (const role of UNIT) {
      expect(callerVisibility({ role }, { confidential: true, allowDirectContact: false })).toBe('hidden');
      expect(callerVisibility({ role }, { confidential: true, allowDirectContact: true })).toBe('hidden');
    }
  });
});

describe('readsAll / readsScoped', () => {
  it.each([...ROLES])('%s', (role) => {
    expect(readsAll({ role })).toBe(CENTRE.includes(role));
    expect(readsScoped({ role })).toBe(UNIT.includes(role));
  });
});

describe('mayAssignment', () => {
  const OWN = 40; // the assigned unit
  const OTHER = 41; // a sibling unit
  const CHILD = 400; // a community under unit 40
  const PARENT = 4; // the district above unit 40

  it.each(ASSIGNMENT_ACTIONS.flatMap((action) => UNIT.map((role) => ({ role, action }))))('$role of the assigned unit may $action', ({ role, action }) => {
    expect(mayAssignment({ role, unitId: OWN }, action, OWN)).toBe(true);
  });

  it.each(ASSIGNMENT_ACTIONS.flatMap((action) => UNIT.map((role) => ({ role, action }))))('$role of another unit may not $action', ({ role, action }) => {
    expect(mayAssignment({ role, unitId: OTHER }, action, OWN)).toBe(false);
    // a parent unit reads its subtree but does not act on a child's assignment
    expect(mayAssignment({ role, unitId: PARENT }, action, OWN)).toBe(false);
    // nor does a child unit act on its parent's assignment
    expect(mayAssignment({ role, unitId: CHILD }, action, OWN)).toBe(false);
  });

  it.each(ROLES.filter((r) => !UNIT.includes(r)).flatMap((role) => ASSIGNMENT_ACTIONS.map((action) => ({ role, action }))))(
    '$role (not a unit role) may not $action, even with a matching unit id',
    ({ role, action }) => {
      expect(mayAssignment({ role, unitId: OWN }, action, OWN)).toBe(false);
    },
  );
});

describe('mayTicket', () => {
  /** Who may do what: written out from docs/domain.md §2. Everyone else: no. */
  const ALLOWED: Record<TicketAction, Role> = {
    dispatch: 'dispatcher',
    decline: 'dispatcher',
    merge: 'dispatcher',
    approve_return: 'dispatcher',
    reject_return: 'dispatcher',
    approve_extension: 'dispatcher',
    reject_extension: 'dispatcher',
    approve_termination: 'dispatcher',
    reject_termination: 'dispatcher',
    approve_reply: 'dispatcher',
    reject_reply: 'dispatcher',
    callback_close: 'callback_agent',
    callback_dispute: 'callback_agent',
    callback_retry: 'callback_agent',
    callback_unreached: 'callback_agent',
    reopen: 'supervisor',
    close: 'supervisor',
  };

  const cases = ROLES.flatMap((role) => TICKET_ACTIONS.map((action) => ({ role, action, expected: ALLOWED[action] === role })));

  it.each(cases)('$role may $action: $expected', ({ role, action, expected }) => {
    expect(mayTicket({ role }, action)).toBe(expected);
  });

  it('admin, operators, window clerks, units and intake clients perform no ticket-level action', () => {
    for (const role of ['admin', 'operator', 'window_clerk', 'unit_handler', 'unit_leader', 'intake_client'] as const)
      for (const action of TICKET_ACTIONS) expect(mayTicket({ role }, action)).toBe(false);
  });
});
