import { describe, expect, it } from 'vitest';
import {
  clampToParent,
  DEFAULT_HAND_DOWN_LEVELS,
  extensionDecision,
  handDownCheck,
  parseHandDownLevels,
  SUB_ACTIONS,
  SUB_DECISIONS,
  SUB_STATUSES,
  subTransition,
  type ChainUnit,
  type SubState,
  type SubStatus,
} from '../../src/domain/tickets/chain.ts';

// A district (4) with a street (7) and a department (8); the street has communities 11 and 12; another district 5.
const unit = (id: number, kind: ChainUnit['kind'], path: string, active = true): ChainUnit => ({ id, kind, path, active });
const district = unit(4, 'district', '/1/4/');
const street = unit(7, 'street', '/1/4/7/');
const department = unit(8, 'department', '/1/4/8/');
const community = unit(11, 'community', '/1/4/7/11/');
const sibling = unit(12, 'community', '/1/4/7/12/');
const otherStreet = unit(9, 'street', '/1/5/9/');
const closedCommunity = unit(13, 'community', '/1/4/7/13/', false);

describe('who may hand down to whom', () => {
  const may = (from: ChainUnit, to: ChainUnit) => handDownCheck(DEFAULT_HAND_DOWN_LEVELS, from, to);

  it('by default: a district to its streets and departments, a street to its communities', () => {
    expect(may(district, street)).toEqual({ ok: true });
    expect(may(district, department)).toEqual({ ok: true });
    expect(may(street, community)).toEqual({ ok: true });
  });

  it('never outside its own subtree, never to itself, never skipping a level the setting does not allow, never to an inactive unit', () => {
    expect(may(district, otherStreet)).toEqual({ ok: false, code: 'hand_down_outside_subtree' });
    expect(may(community, sibling)).toEqual({ ok: false, code: 'hand_down_outside_subtree' });
    expect(may(street, street)).toEqual({ ok: false, code: 'hand_down_to_self' });
    expect(may(district, community)).toEqual({ ok: false, code: 'hand_down_not_allowed' });
    expect(may(community, unit(20, 'community', '/1/4/7/11/20/'))).toEqual({ ok: false, code: 'hand_down_not_allowed' });
    expect(may(street, closedCommunity)).toEqual({ ok: false, code: 'unit_inactive' });
  });

  it('the levels are a setting: read from text, refused loudly when unreadable', () => {
    expect(parseHandDownLevels('district>street,department; street>community')).toEqual({ district: ['street', 'department'], street: ['community'] });
    expect(parseHandDownLevels('')).toEqual({});
    const onlyDistricts = parseHandDownLevels('district>street');
    expect(handDownCheck(onlyDistricts, street, community)).toEqual({ ok: false, code: 'hand_down_not_allowed' });
    expect(handDownCheck(onlyDistricts, district, community)).toEqual({ ok: false, code: 'hand_down_not_allowed' });
    // Same kind on both sides of one pair is merged, not duplicated.
    expect(parseHandDownLevels('district>street;district>street,department')).toEqual({ district: ['street', 'department'] });
    expect(() => parseHandDownLevels('district>village')).toThrow(/district>village/);
    expect(() => parseHandDownLevels('district street')).toThrow(/cannot read/);
    expect(() => parseHandDownLevels('street>street')).toThrow(/street>street/);
  });
});

describe("a sub-assignment's clocks end no later than its parent's", () => {
  const at = (hhmm: string) => new Date(`2026-03-11T${hhmm}:00.000Z`);
  const parent = { sign: at('03:00'), response: at('05:00'), complete: at('09:00') };

  it('each later deadline is brought back to the parent’s, and the clamped clocks are named', () => {
    expect(clampToParent({ sign: at('02:00'), response: at('06:00'), complete: at('10:00') }, parent)).toEqual({
      deadlines: { sign: at('02:00'), response: at('05:00'), complete: at('09:00') },
      clamped: ['response', 'complete'],
    });
    expect(clampToParent({ sign: at('01:00'), response: at('02:00'), complete: at('08:00') }, parent).clamped).toEqual([]);
  });

  it('a clock waiting for the calendar (no deadline yet) still cannot outlive the parent; a parent clock without deadline bounds nothing', () => {
    expect(clampToParent({ sign: null, response: at('04:00'), complete: null }, parent)).toEqual({
      deadlines: { sign: at('03:00'), response: at('04:00'), complete: at('09:00') },
      clamped: ['sign', 'complete'],
    });
    expect(clampToParent({ sign: at('04:00'), response: null, complete: at('12:00') }, { sign: null, response: null, complete: null })).toEqual({
      deadlines: { sign: at('04:00'), response: null, complete: at('12:00') },
      clamped: [],
    });
  });

  it('the parent’s own sign and contact, once done, no longer bound the sub-unit’s; its completion always does', () => {
    const signed = { ...parent, stopped: { sign: true, response: true } };
    expect(clampToParent({ sign: at('04:00'), response: at('07:00'), complete: at('11:00') }, signed)).toEqual({
      deadlines: { sign: at('04:00'), response: at('07:00'), complete: at('09:00') },
      clamped: ['complete'],
    });
  });

  it('the parent grants an extension only within its own deadline', () => {
    expect(extensionDecision(at('08:00'), at('09:00'))).toEqual({ ok: true });
    expect(extensionDecision(at('09:00'), at('09:00'))).toEqual({ ok: true });
    expect(extensionDecision(at('09:01'), at('09:00'))).toEqual({ ok: false, code: 'beyond_parent_deadline' });
    expect(extensionDecision(at('23:00'), null)).toEqual({ ok: true });
  });
});

describe('the sub-assignment table', () => {
  const lead = (status: SubStatus, more: Partial<SubState> = {}): SubState => ({ role: 'lead', status, designated: false, pending: null, ...more });
  const assist = (status: SubStatus): SubState => ({ role: 'assist', status, designated: false, pending: null });

  /** Written out by hand: [action, from, to] for the lead sub-assignment with nothing pending and an active parent. */
  const LEGAL: [string, SubStatus, SubStatus][] = [
    ['sign', 'awaiting_sign', 'in_progress'],
    ['contact', 'in_progress', 'in_progress'],
    ['contact', 'replied', 'replied'],
    ['note', 'awaiting_sign', 'awaiting_sign'],
    ['note', 'in_progress', 'in_progress'],
    ['note', 'replied', 'replied'],
    ['reply', 'in_progress', 'replied'],
    ['request_return', 'in_progress', 'in_progress'],
    ['request_extension', 'in_progress', 'in_progress'],
    ['hand_down', 'in_progress', 'in_progress'],
    ['approve_sub_reply', 'replied', 'completed'],
    ['reject_sub_reply', 'replied', 'in_progress'],
    ['recall', 'awaiting_sign', 'returned'],
    ['recall', 'in_progress', 'returned'],
    ['recall', 'replied', 'returned'],
  ];

  it('every action from every status: legal exactly where the table written out here says', () => {
    const legal = new Map(LEGAL.map(([a, from, to]) => [`${a}:${from}`, to]));
    for (const action of [...SUB_ACTIONS, ...SUB_DECISIONS]) {
      for (const status of SUB_STATUSES) {
        if (action.endsWith('_sub_return') || action.endsWith('_sub_extension')) continue; // need a pending request: below
        const r = subTransition(lead(status), 'in_progress', action);
        const want = legal.get(`${action}:${status}`);
        expect(r, `${action} from ${status}`).toEqual(want ? { ok: true, to: want } : { ok: false, code: 'invalid_transition' });
      }
    }
  });

  it('returns and extensions are decided only while one is pending, and only one request waits at a time', () => {
    expect(subTransition(lead('in_progress'), 'in_progress', 'approve_sub_return')).toEqual({ ok: false, code: 'no_pending_request' });
    expect(subTransition(lead('in_progress', { pending: 'return' }), 'in_progress', 'approve_sub_return')).toEqual({ ok: true, to: 'returned' });
    expect(subTransition(lead('in_progress', { pending: 'return' }), 'in_progress', 'reject_sub_return')).toEqual({ ok: true, to: 'in_progress' });
    expect(subTransition(lead('in_progress', { pending: 'return' }), 'in_progress', 'approve_sub_extension')).toEqual({
      ok: false,
      code: 'no_pending_request',
    });
    expect(subTransition(lead('in_progress', { pending: 'extension' }), 'in_progress', 'approve_sub_extension')).toEqual({ ok: true, to: 'in_progress' });
    expect(subTransition(lead('in_progress', { pending: 'extension' }), 'in_progress', 'request_return')).toEqual({ ok: false, code: 'request_pending' });
  });

  it('a designated unit may not return again, at any level', () => {
    expect(subTransition(lead('in_progress', { designated: true }), 'in_progress', 'request_return')).toEqual({ ok: false, code: 'designated_cannot_return' });
    expect(subTransition(lead('in_progress', { designated: true }), 'in_progress', 'request_extension')).toEqual({ ok: true, to: 'in_progress' });
  });

  it('assisting sub-units sign, contact, note, reply and hand their part down; they neither return nor extend', () => {
    expect(subTransition(assist('in_progress'), 'in_progress', 'reply')).toEqual({ ok: true, to: 'replied' });
    expect(subTransition(assist('replied'), 'in_progress', 'approve_sub_reply')).toEqual({ ok: true, to: 'completed' });
    expect(subTransition(assist('in_progress'), 'in_progress', 'hand_down')).toEqual({ ok: true, to: 'in_progress' });
    for (const action of ['request_return', 'request_extension'] as const) {
      expect(subTransition(assist('in_progress'), 'in_progress', action)).toEqual({ ok: false, code: 'invalid_transition' });
    }
  });

  it('nothing moves while the parent no longer holds the ticket (replied upward, returned, closed)', () => {
    for (const parent of ['replied', 'returned', 'closed', 'awaiting_sign'] as const) {
      expect(subTransition(lead('in_progress'), parent, 'reply')).toEqual({ ok: false, code: 'parent_not_active' });
      expect(subTransition(lead('replied'), parent, 'approve_sub_reply')).toEqual({ ok: false, code: 'parent_not_active' });
    }
  });
});
