import { describe, it, expect } from 'vitest';
import { callbackInput, createTicketInput, maskPhone, phone } from '../../src/domain/tickets/inputs.ts';

describe('phone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['  13812345678  ', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086-13812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
    ['19912345678', '19912345678'],
  ])('accepts the mobile %j → %s', (input, normalised) => {
    const r = phone.safeParse(input);
    expect(r.success).toBe(true);
    expect(r.data).toBe(normalised);
  });

  it.each([
    // Beijing: 3-digit area code, 8-digit number
    ['010-62345678', '010-62345678'],
    ['01062345678', '010-62345678'],
    ['(010) 62345678', '010-62345678'],
    // Shenzhen: 4-digit area code, 7-digit number
    ['0755-2345678', '0755-2345678'],
    ['07552345678', '0755-2345678'],
    // Shanghai with an extension
    ['021-23456789-123', '021-23456789-123'],
    ['02023456789', '020-23456789'],
  ])('accepts the landline %j → %s', (input, normalised) => {
    const r = phone.safeParse(input);
    expect(r.success).toBe(true);
    expect(r.data).toBe(normalised);
  });

  it.each([
    '12345', // the hotline itself, not a caller's number
    '110',
    '23812345678', // 11 digits, not 1[3-9] and no leading 0
    '12812345678', // 1 followed by 2 is not a mobile prefix
    '1381234567', // 10 digits
    '138123456789', // 12 digits
    'abc',
    '138abcd5678',
    '',
    '   ',
    // A local subscriber number never starts with 0 (trunk prefix) or 1 (special services: 110, 12345, …)
    '010-12345678',
    '010-02345678',
  ])('rejects %j', (input) => {
    expect(phone.safeParse(input).success).toBe(false);
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 digits of a mobile', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it.each(['010-62345678', '0755-2345678', '021-23456789-123'])('hides all but the last 4 characters of the landline %s', (p) => {
    const m = maskPhone(p);
    expect(m).toHaveLength(p.length);
    expect(m.slice(-4)).toBe(p.slice(-4));
    expect(m.slice(0, -4)).toMatch(/^\*+$/);
  });

  it('gives away nothing of a short number', () => {
    expect(maskPhone('110')).toBe('****');
  });
});

describe('createTicketInput', () => {
  const base = {
    type: 'complaint',
    categoryId: 12,
    content: '小区门口的路灯坏了一个多月，晚上很黑。',
    caller: { phone: '13812345678' },
  };
  const parse = (over: Record<string, unknown>) => createTicketInput.safeParse({ ...base, ...over });
  const paths = (r: ReturnType<typeof parse>) => (r.success ? [] : r.error.issues.map((i) => i.path.join('.')));

  it('accepts a minimal ticket and fills the defaults', () => {
    const r = parse({});
    expect(r.success).toBe(true);
    expect(r.data).toMatchObject({
      urgency: 'normal',
      confidential: false,
      allowDirectContact: false,
      disposition: { kind: 'dispatch' },
      caller: { phone: '13812345678' },
    });
  });

  it('normalises the caller phone', () => {
    expect(parse({ caller: { phone: '+86 138 1234 5678' } }).data?.caller.phone).toBe('13812345678');
  });

  it('rejects an invalid caller phone', () => {
    expect(paths(parse({ caller: { phone: '12345' } }))).toContain('caller.phone');
  });

  it('rejects content shorter than 10 characters (after trimming)', () => {
    expect(paths(parse({ content: '路灯坏了路灯坏了路灯' }))).toEqual([]); // exactly 10
    expect(paths(parse({ content: '路灯坏了路灯坏了路' }))).toEqual(['content']); // 9
    expect(paths(parse({ content: '   路灯坏了路灯坏了路   ' }))).toEqual(['content']);
  });

  it('rejects content longer than 4000 characters', () => {
    expect(parse({ content: '灯'.repeat(4000) }).success).toBe(true);
    expect(paths(parse({ content: '灯'.repeat(4001) }))).toEqual(['content']);
  });

  it('rejects an unknown type or urgency', () => {
    expect(paths(parse({ type: 'praise' }))).toEqual(['type']);
    expect(paths(parse({ urgency: 'whenever' }))).toEqual(['urgency']);
    for (const urgency of ['normal', 'urgent', 'emergency']) expect(parse({ urgency }).success).toBe(true);
  });

  it('requires lat and lng together', () => {
    expect(parse({ lat: 39.9, lng: 116.4 }).success).toBe(true);
    expect(paths(parse({ lat: 39.9 }))).toEqual(['lng']);
    expect(paths(parse({ lng: 116.4 }))).toEqual(['lng']);
    expect(paths(parse({ lat: 91, lng: 116.4 }))).toContain('lat');
  });

  it('rejects confidential together with allowDirectContact', () => {
    expect(parse({ confidential: true }).success).toBe(true);
    expect(parse({ allowDirectContact: true }).success).toBe(true);
    expect(paths(parse({ confidential: true, allowDirectContact: true }))).toEqual(['allowDirectContact']);
  });

  it('rejects unknown keys (strict)', () => {
    const r = parse({ priority: 'high' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it.each([
    { kind: 'dispatch' },
    { kind: 'direct_answer', kbArticleId: 7, answer: '可在社保中心补办。' },
    { kind: 'emergency_transfer', transferredTo: '110' },
    { kind: 'emergency_transfer', transferredTo: '119', note: '着火' },
    { kind: 'emergency_transfer', transferredTo: '120' },
    { kind: 'emergency_transfer', transferredTo: '122' },
    { kind: 'not_accepted', reason: '属于诉讼程序' },
    { kind: 'repeat', ticketId: 4242 },
  ])('accepts the disposition $kind $transferredTo', (disposition) => {
    const r = parse({ disposition });
    expect(r.success).toBe(true);
    expect(r.data?.disposition).toMatchObject(disposition);
  });

  it.each([
    { kind: 'emergency_transfer', transferredTo: '112' },
    { kind: 'emergency_transfer', transferredTo: '12345' },
    { kind: 'emergency_transfer' },
    { kind: 'direct_answer', answer: '可在社保中心补办。' }, // no article
    { kind: 'direct_answer', kbArticleId: 7 }, // no answer
    { kind: 'not_accepted' }, // no reason
    { kind: 'repeat' }, // no ticket
    { kind: 'repeat', ticketId: -1 },
    { kind: 'escalate' },
  ])('rejects the disposition %j', (disposition) => {
    expect(parse({ disposition }).success).toBe(false);
  });
});

describe('callbackInput', () => {
  it('accepts an unreached callback without answers', () => {
    expect(callbackInput.safeParse({ version: 3, reached: false }).success).toBe(true);
  });

  it('requires solved and satisfaction when the caller was reached', () => {
    expect(callbackInput.safeParse({ version: 3, reached: true }).success).toBe(false);
    expect(callbackInput.safeParse({ version: 3, reached: true, solved: 'solved' }).success).toBe(false);
    expect(callbackInput.safeParse({ version: 3, reached: true, satisfaction: 'satisfied' }).success).toBe(false);
    const r = callbackInput.safeParse({ version: 3, reached: true, solved: 'partly', satisfaction: 'basically_satisfied' });
    expect(r.success).toBe(true);
  });

  it('reports the missing answers on satisfaction', () => {
    const r = callbackInput.safeParse({ version: 3, reached: true, solved: 'solved' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['satisfaction']);
  });

  it('rejects unknown answers, a missing version and unknown keys', () => {
    expect(callbackInput.safeParse({ version: 3, reached: true, solved: 'maybe', satisfaction: 'satisfied' }).success).toBe(false);
    expect(callbackInput.safeParse({ reached: false }).success).toBe(false);
    expect(callbackInput.safeParse({ version: 3, reached: false, agent: 'x' }).success).toBe(false);
  });
});
