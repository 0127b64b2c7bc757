import { describe, expect, it } from 'vitest';
import { CONTACT_CLOCK_SKEW_MS, contactClaim } from '../../src/domain/tickets/contact-time.ts';
import { UnprocessableError } from '../../src/domain/errors.ts';

const dispatchedAt = new Date('2026-03-10T02:00:00Z');
const HOUR = 3600_000;
const at = (ms: number) => new Date(dispatchedAt.getTime() + ms);
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof UnprocessableError ? e.code : String(e);
  }
  return 'accepted';
};

describe('contactClaim: a believable contact time', () => {
  const claim = (contactedAt: Date | undefined, now: Date, backdateReason?: string, hours = 24) =>
    contactClaim({ contactedAt: contactedAt?.toISOString(), backdateReason }, { dispatchedAt }, now, hours);

  it('from the dispatch instant up to now; a claim within the clock skew is now', () => {
    expect(claim(dispatchedAt, at(HOUR)).contactedAt).toEqual(dispatchedAt);
    expect(codeOf(() => claim(at(-1), at(HOUR)))).toBe('contact_before_dispatch');
    expect(claim(undefined, at(HOUR))).toEqual({ contactedAt: at(HOUR), recordedAt: at(HOUR), backdateReason: null });
    expect(claim(at(HOUR + CONTACT_CLOCK_SKEW_MS), at(HOUR)).contactedAt).toEqual(at(HOUR));
    expect(codeOf(() => claim(at(HOUR + CONTACT_CLOCK_SKEW_MS + 1), at(HOUR)))).toBe('contact_time_in_future');
  });

  it('more than the backdate limit before recording needs a reason (a blank one is none)', () => {
    const now = at(30 * HOUR);
    expect(claim(at(6 * HOUR), now).backdateReason).toBeNull(); // exactly 24 h
    expect(codeOf(() => claim(at(6 * HOUR - 1), now))).toBe('contact_backdate_reason_required');
    expect(codeOf(() => claim(at(6 * HOUR - 1), now, '  '))).toBe('contact_backdate_reason_required');
    expect(claim(at(HOUR), now, ' 系统故障 ')).toMatchObject({ contactedAt: at(HOUR), recordedAt: now, backdateReason: '系统故障' });
    expect(codeOf(() => claim(at(27 * HOUR), now, undefined, 2))).toBe('contact_backdate_reason_required');
  });
});
