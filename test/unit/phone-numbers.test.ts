import { describe, expect, it } from 'vitest';
import { findPhoneNumbers, maskPhoneNumbers, maskPhoneNumbersDeep, probesDigits, redactContactDetails } from '../../src/domain/privacy/phone-numbers.ts';
import { maskPhone } from '../../src/domain/tickets/inputs.ts';
import { textMask } from '../../src/domain/tickets/policy.ts';

describe('maskPhoneNumbers: mobiles', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['电话13812345678', '电话138****5678'],
    ['我的手机是 13812345678，请回电', '我的手机是 138****5678，请回电'],
    ['138-1234-5678', '138-****-5678'],
    ['138 1234 5678', '138 ****-5678'.replace('-', ' ')],
    ['138.1234.5678', '138.****.5678'],
    ['1381234 5678', '138**** 5678'],
    ['+86 138 1234 5678', '+86 138 **** 5678'],
    ['+8613812345678', '+86138****5678'],
    ['+86-138-1234-5678', '+86-138-****-5678'],
    ['0086 13812345678', '0086 138****5678'],
    ['(+86)13812345678', '(+86)138****5678'],
    ['86 13812345678', '86 138****5678'],
    ['19912345678 和 17012345678', '199****5678 和 170****5678'],
    ['联系人：张先生15912345678', '联系人：张先生159****5678'],
    ['Call 13812345678.', 'Call 138****5678.'],
    // full-width digits, hyphens and the ideographic space, as an input method may type them
    ['１３８１２３４５６７８', '１３８****５６７８'],
    ['１３８－１２３４－５６７８', '１３８－****－５６７８'],
    ['138\u30001234\u30005678', '138\u3000****\u30005678'],
    ['138–1234–5678', '138–****–5678'],
  ])('%s → %s', (input, output) => expect(maskPhoneNumbers(input, 'partial')).toBe(output));
});

describe('maskPhoneNumbers: landlines', () => {
  it.each([
    ['010-12345678', '***-****5678'],
    ['座机010-62345678转总机', '座机***-****5678转总机'],
    ['0531-88888888', '****-****8888'],
    ['053188888888', '********8888'],
    ['0531 8888 8888', '**** **** 8888'],
    ['(0531)8888 8888', '(****)**** 8888'],
    ['（０５３１）８８８８ ８８８８', '（****）**** ８８８８'],
    ['(010)62345678', '(***)****5678'],
    ['0755-2345678', '****-***5678'],
    ['0531-88888888-123', '****-****8888-***'],
    ['0531-88888888转123', '****-****8888转***'],
    ['+86 10 62345678', '+86 ** ****5678'],
    ['+86-531-88888888', '+86-***-****8888'],
    ['电话：8888 6666', '电话：**** 6666'],
    ['联系电话 88886666', '联系电话 ****6666'],
    ['tel: 6234-5678', 'tel: ****-5678'],
    ['Phone 62345678', 'Phone ****5678'],
  ])('%s → %s', (input, output) => expect(maskPhoneNumbers(input, 'partial')).toBe(output));
});

describe('maskPhoneNumbers: what is not a phone number stays', () => {
  it.each([
    '工单20260310-000123已受理',
    '工单号码20260310-000123',
    '2026-03-10 14:30 来电',
    '2026年3月10日',
    '20260310',
    '罚款12345678元',
    '金额 1,380,000.00 元',
    '身份证号370102199003071234',
    '身份证11010519491231002X',
    '银行卡6222021234567890123',
    '幸福里3号楼2单元301室',
    '拨打110、120、12345 或 95588',
    '客服热线400-123-4567，800-820-8820',
    '订单号 88886666',
    '编号 12345678',
    '138123456789',
    '1381234567',
    '12812345678',
    '138****5678',
    '***-****5678',
    'v1.3.8-1234',
    '坐标 36.651234, 117.123456',
  ])('%s', (input) => {
    expect(findPhoneNumbers(input)).toEqual([]);
    expect(maskPhoneNumbers(input, 'partial')).toBe(input);
    expect(maskPhoneNumbers(input, 'redact')).toBe(input);
  });

  it('a ticket number beside a phone number: only the phone number', () => {
    expect(maskPhoneNumbers('工单20260310-000123，来电人13812345678', 'partial')).toBe('工单20260310-000123，来电人138****5678');
  });
});

describe('maskPhoneNumbers: modes', () => {
  const text = '王先生13812345678反映，物业电话0531-88888888-123无人接听';
  it("'none' leaves the text whole", () => expect(maskPhoneNumbers(text, 'none')).toBe(text));
  it("'partial' keeps a mobile's first 3 and last 4 digits and a landline's last 4", () =>
    expect(maskPhoneNumbers(text, 'partial')).toBe('王先生138****5678反映，物业电话****-****8888-***无人接听'));
  it("'redact' replaces each number whole", () => expect(maskPhoneNumbers(text, 'redact')).toBe('王先生****反映，物业电话****无人接听'));
  it('masking twice changes nothing more', () => {
    for (const mode of ['partial', 'redact'] as const) expect(maskPhoneNumbers(maskPhoneNumbers(text, mode), mode)).toBe(maskPhoneNumbers(text, mode));
  });
  it('keeps the length in partial mode and never leaves 5 or more of a number’s digits in a row', () => {
    for (const n of ['13812345678', '+86 138 1234 5678', '0531-88888888', '(0531)8888 8888', '010-12345678-99']) {
      const m = maskPhoneNumbers(n, 'partial');
      expect(m).toHaveLength(n.length);
      expect(m).not.toMatch(/\d{5}/);
    }
  });
  it('the caller field and free text mask a mobile alike', () => expect(maskPhoneNumbers('13912349876', 'partial')).toBe(maskPhone('13912349876')));
  it('empty text', () => expect(maskPhoneNumbers('', 'partial')).toBe(''));
});

describe('maskPhoneNumbersDeep (event payloads)', () => {
  it('masks every string, nested, and leaves numbers, booleans, null and dates in ISO alone', () => {
    const payload = {
      summary: '已电话13812345678联系',
      round: 2,
      reached: true,
      comment: null,
      at: '2026-03-10T02:00:00.000Z',
      list: ['0531-88888888', 7],
      nested: { reason: '业主电话 88886666' },
    };
    expect(maskPhoneNumbersDeep(payload, 'partial')).toEqual({
      summary: '已电话138****5678联系',
      round: 2,
      reached: true,
      comment: null,
      at: '2026-03-10T02:00:00.000Z',
      list: ['****-****8888', 7],
      nested: { reason: '业主电话 ****6666' },
    });
    expect(maskPhoneNumbersDeep(payload, 'none')).toBe(payload);
  });
});

describe('redactContactDetails (public texts, the monthly report)', () => {
  it.each([
    ['张女士反映垃圾未清运，电话13912345678', '张女士反映垃圾未清运，电话****'],
    ['王先生的座机 010-8888 6666 打不通', '王先生的座机 **** 打不通'],
    ['身份证号11010519491231002X办不了', '身份证号****办不了'],
    ['邮箱 li.mimi@example.com', '邮箱 ****'],
    ['工单20260310-000123于2026-03-10办结，罚款5000元', '工单20260310-000123于2026-03-10办结，罚款5000元'],
  ])('%s → %s', (input, output) => expect(redactContactDetails(input)).toBe(output));
});

describe('textMask: who sees numbers in free text', () => {
  const plain = { confidential: false, allowDirectContact: false };
  const direct = { confidential: false, allowDirectContact: true };
  const secret = { confidential: true, allowDirectContact: false };
  it.each([
    ['dispatcher', plain, 'detail', 'none'],
    ['supervisor', secret, 'detail', 'none'],
    ['operator', plain, 'list', 'partial'],
    ['unit_handler', plain, 'detail', 'partial'],
    ['unit_leader', plain, 'list', 'partial'],
    ['unit_handler', direct, 'detail', 'none'],
    ['unit_handler', direct, 'list', 'partial'],
    ['unit_handler', secret, 'detail', 'redact'],
    ['unit_leader', secret, 'list', 'redact'],
    ['intake_client', plain, 'detail', 'partial'],
  ] as const)('%s, %o, %s → %s', (role, t, view, mask) => expect(textMask({ role }, t, view)).toBe(mask));
});

describe('probesDigits (searches by those who see numbers masked)', () => {
  it.each(['1381', '13812345678', '138-1', '138 1', '5678', '物业电话8888', '１３８１', '2026'])('%s probes', (q) => expect(probesDigits(q)).toBe(true));
  it.each(['138', '噪音', '3号楼2单元301室', '12-3', 'a1b2c3d4', ''])('%s does not', (q) => expect(probesDigits(q)).toBe(false));
});
