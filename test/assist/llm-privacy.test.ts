/** What of a ticket's text may go to the language model (pure): identities, contact details and announced names masked. */
import { describe, expect, it } from 'vitest';
import { answerOf, LanguageModelError } from '../../src/adapters/llm.ts';
import { readVerdict } from '../../src/domain/assist/advice-prompts.ts';
import { clip, maskForModel } from '../../src/domain/assist/llm-privacy.ts';

const caller = { callerName: '王小明', callerPhone: '13812345678' };

describe('maskForModel', () => {
  it.each([
    ['the caller’s name and number wherever typed', '王小明说打138 1234 5678或13812345678', caller, '****说打****或****'],
    [
      'any mobile, landline, ID number and e-mail',
      '电话0531-88888888，手机13987654321，身份证11010119900307777X，a.b@x.cn',
      caller,
      '电话****，手机****，身份证****，****',
    ],
    ['a name the text announces', '我叫李建国，联系人：张伟。姓名 欧阳娜', null, '我叫****，联系人：****。姓名 ****'],
    ['a surname before a title keeps the title', '张先生和李秀英女士反映', null, '*先生和***女士反映'],
    ['the matter itself is left alone', '小区门口夜间施工噪音扰民，12345热线，20260310-000123', null, '小区门口夜间施工噪音扰民，12345热线，20260310-000123'],
  ])('%s', (_, text, who, want) => {
    expect(maskForModel(text, who ? [who] : [])).toBe(want);
  });

  it('masks every identity given (the caller and each repeat caller)', () => {
    const out = maskForModel('赵丽华和王小明都来过电话', [caller, { callerName: '赵丽华', callerPhone: '13700001111' }]);
    expect(out).toBe('****和****都来过电话');
  });

  it('clips long text by characters, saying so', () => {
    expect(clip('一二三四五', 3)).toBe('一二三…（后略）');
    expect(clip('一二三', 3)).toBe('一二三');
  });
});

describe('reading answers', () => {
  const completion = (content: unknown) => JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] });
  it('takes the first choice, without a reasoning preamble', () => {
    expect(answerOf(completion('<think>先看诉求</think>\n摘要正文'))).toBe('摘要正文');
  });
  it.each([['not json'], [JSON.stringify({ choices: [] })], [completion(null)], [completion('   ')]])('refuses %s as llm_bad_answer', (text) => {
    expect(() => answerOf(text)).toThrow(LanguageModelError);
  });
  it('reads a verdict in a code fence or among words, and refuses any other', () => {
    expect(readVerdict('结论如下：\n```json\n{"verdict":"does-not-answer","reason":"只说已转交"}\n```')).toEqual({
      verdict: 'does_not_answer',
      reason: '只说已转交',
    });
    expect(() => readVerdict('{"verdict":"yes","reason":"好"}')).toThrow(LanguageModelError);
    expect(() => readVerdict('{"verdict":"answers","reason":""}')).toThrow(LanguageModelError);
  });
});
