import { describe, expect, it } from 'vitest';
import { centreClockOf, centreDecision, centreDueAt, centreLevel, centreWait } from '../../src/domain/centre/clocks.ts';
import { TICKET_ACTIONS } from '../../src/domain/tickets/status.ts';

const config = {
  CENTRE_DISPATCH_LIMIT_MINUTES: 30,
  CENTRE_REPLY_REVIEW_LIMIT_MINUTES: 240,
  CENTRE_RETURN_REVIEW_LIMIT_MINUTES: 120,
  CENTRE_EXTENSION_REVIEW_LIMIT_MINUTES: 180,
  CENTRE_TERMINATION_REVIEW_LIMIT_MINUTES: 60,
  CALLBACK_DUE_DAYS: 1,
};
const MIN = 60_000;
const since = new Date('2026-03-10T02:00:00.000Z'); // Tuesday 10:00 in Shanghai
const plus = (m: number) => new Date(since.getTime() + m * MIN);

describe('the centre clocks', () => {
  it('each decision ends one wait; other actions end none', () => {
    expect(Object.fromEntries(TICKET_ACTIONS.map((a) => [a, centreClockOf(a)]))).toEqual({
      dispatch: 'dispatch',
      decline: null,
      merge: null,
      approve_return: 'return_review',
      reject_return: 'return_review',
      approve_extension: 'extension_review',
      reject_extension: 'extension_review',
      approve_termination: 'termination_review',
      reject_termination: 'termination_review',
      approve_reply: 'reply_review',
      reject_reply: 'reply_review',
      callback_close: 'callback',
      callback_dispute: 'callback',
      callback_retry: 'callback',
      callback_unreached: 'callback',
      reopen: null,
      close: null,
    });
  });

  it('limits in natural minutes; a callback is late once its callback day is over', () => {
    expect(centreDueAt(config, 'dispatch', since)).toEqual(plus(30));
    expect(centreDueAt(config, 'extension_review', since)).toEqual(plus(180));
    expect(centreDueAt(config, 'termination_review', since)).toEqual(plus(60));
    // Approved Tuesday 10:00: falls due Wednesday 00:00, late from Thursday 00:00 (Shanghai).
    expect(centreDueAt(config, 'callback', since).toISOString()).toBe('2026-03-11T16:00:00.000Z');
    // Approved at 23:59 on Tuesday: the same callback day.
    expect(centreDueAt(config, 'callback', new Date('2026-03-10T15:59:00.000Z')).toISOString()).toBe('2026-03-11T16:00:00.000Z');
    expect(centreWait(config, 'callback', since).limitMinutes).toBe(38 * 60);
  });

  it('levels: yellow from 75 %, red from 90 %, overdue past the limit; the decision at the limit is on time', () => {
    const w = centreWait(config, 'dispatch', since);
    expect([22, 22.5, 27, 30, 30.01].map((m) => centreLevel(w, plus(m)))).toEqual(['none', 'yellow', 'red', 'red', 'overdue']);
    expect(centreDecision(config, 'dispatch', since, plus(30))).toEqual({
      clock: 'dispatch',
      since: since.toISOString(),
      waitedMinutes: 30,
      limitMinutes: 30,
      onTime: true,
    });
    expect(centreDecision(config, 'dispatch', since, plus(30.5))).toMatchObject({ waitedMinutes: 31, onTime: false });
    expect(centreDecision(config, 'return_review', since, plus(119))).toMatchObject({ limitMinutes: 120, onTime: true });
  });
});
