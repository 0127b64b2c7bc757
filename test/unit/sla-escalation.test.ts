/**
 * The escalation rule on its own (no database): which due marks fire for a claimed assignment, what each
 * writes (event payload, the 催办/督办 reason, the unit's SMS), and which marks the assignment keeps.
 */
import { describe, expect, it } from 'vitest';
import { escalate, type ClaimedAssignment } from '../../src/domain/sla/escalation.ts';
import type { Mark } from '../../src/domain/sla/clocks.ts';

const NOW = new Date('2026-03-10T02:00:00.000Z'); // 10:00 in Shanghai

const mark = (clock: Mark['clock'], level: Mark['level'], at: string): Mark => ({ clock, level, at });

const claimed = (over: Partial<ClaimedAssignment> = {}, marks: Mark[] = []): ClaimedAssignment => ({
  id: '7',
  ticket_id: '3',
  unit_id: 5,
  status: 'in_progress',
  role: 'lead',
  ticket_status: 'in_progress',
  stopped: false,
  sla_cycle: 0,
  marks: JSON.stringify(marks),
  sign_due: '2026-03-09T01:00:00.000Z',
  response_due: '2026-03-09T06:00:00.000Z',
  complete_due: '2026-03-10T01:30:00.000Z',
  number: 'D20260301-0001',
  version: 4,
  phone: ' 13900000005 ',
  template: null,
  ...over,
});

describe('escalate', () => {
  it('fires the marks whose time has come, in time order, and keeps the rest with the next check', () => {
    const red = mark('complete', 'red', '2026-03-10T01:00:00.000Z');
    const yellow = mark('complete', 'yellow', '2026-03-09T20:00:00.000Z');
    const overdue = mark('complete', 'overdue', '2026-03-10T03:00:00.000Z');
    const { firings, left } = escalate([claimed({}, [overdue, red, yellow])], NOW);
    expect(firings.map((f) => [f.i, f.c, f.l, f.r])).toEqual([
      [0, 'complete', 'yellow', 1],
      [1, 'complete', 'red', 2],
    ]);
    expect(firings[0]).toMatchObject({
      a: 7,
      t: 3,
      u: 5,
      y: 0,
      v: 4,
      why: null,
      ph: '13900000005',
      p: { clock: 'complete', level: 'yellow', dueAt: '2026-03-10T01:30:00.000Z', markAt: yellow.at, cycle: 0, unitId: 5 },
    });
    expect(left).toEqual([{ id: 7, m: [overdue], n: overdue.at }]);
  });

  it('an overdue level gives the reminder and supervision reason; the SMS names the clock, the level and the deadline in Shanghai time', () => {
    const { firings, left } = escalate([claimed({}, [mark('complete', 'overdue', '2026-03-10T01:30:00.000Z')])], NOW);
    expect(firings).toHaveLength(1);
    expect(firings[0]!.why).toBe('办结已超期（期限 2026-03-10 09:30）');
    expect(firings[0]!.b).toBe('【12345热线】工单D20260301-0001的办结时限已超期，期限2026-03-10 09:30，请抓紧办理。');
    expect(left).toEqual([{ id: 7, m: [], n: null }]);
  });

  it("uses the centre's own template, and writes no SMS for a unit without a phone", () => {
    const due = [mark('sign', 'overdue', '2026-03-09T01:00:00.000Z')];
    const [own] = escalate([claimed({ template: '{number} {clock} {level} {dueAt}' }, due)], NOW).firings;
    expect(own!.b).toBe('D20260301-0001 签收 已超期 2026-03-09 09:00');
    const [none] = escalate([claimed({ phone: '  ' }, due)], NOW).firings;
    expect(none).toMatchObject({ ph: null, b: null, why: '签收已超期（期限 2026-03-09 09:00）' });
  });

  it('fires nothing on clocks the unit can no longer act on, and drops their marks', () => {
    const due = [mark('response', 'red', '2026-03-09T05:00:00.000Z'), mark('complete', 'yellow', '2026-03-11T00:00:00.000Z')];
    for (const over of [{ stopped: true }, { status: 'returned' }, { ticket_status: 'awaiting_callback' }, { ticket_status: 'closed' }]) {
      const { firings, left } = escalate([claimed(over, due)], NOW);
      expect(firings, JSON.stringify(over)).toEqual([]);
      expect(left, JSON.stringify(over)).toEqual([{ id: 7, m: [], n: null }]);
    }
  });

  it("holds the lead's completion clock while its termination request waits; its other clocks still fire", () => {
    const due = [mark('complete', 'red', '2026-03-10T01:00:00.000Z'), mark('sign', 'overdue', '2026-03-09T01:00:00.000Z')];
    const lead = escalate([claimed({ ticket_status: 'termination_requested' }, due)], NOW);
    expect(lead.firings.map((f) => `${f.c}:${f.l}`)).toEqual(['sign:overdue']);
    expect(lead.left).toEqual([{ id: 7, m: [], n: null }]);
    const assist = escalate([claimed({ ticket_status: 'termination_requested', role: 'assist' }, due)], NOW);
    expect(assist.firings.map((f) => `${f.c}:${f.l}`)).toEqual(['sign:overdue', 'complete:red']);
  });

  it('numbers the firings across the batch', () => {
    const due = [mark('sign', 'overdue', '2026-03-09T01:00:00.000Z')];
    const { firings, left } = escalate([claimed({ id: 1 }, due), claimed({ id: 2 }, due)], NOW);
    expect(firings.map((f) => [f.i, f.a])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(left.map((l) => l.id)).toEqual([1, 2]);
  });
});
