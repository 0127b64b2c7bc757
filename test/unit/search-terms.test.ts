import { describe, it, expect } from 'vitest';
import { documentTerms, queryTerms, searchTerms } from '../../src/domain/kb/search-terms.ts';

/** A to_tsquery string with no operator but OR: quoted terms (quotes doubled inside) joined by ' | '. */
const SAFE_TSQUERY = /^'(?:[^']|'')+'(?: \| '(?:[^']|'')+')*$/;

describe('searchTerms', () => {
  it('turns a Han run into overlapping bigrams plus single characters', () => {
    const t = searchTerms('社保卡丢了');
    for (const bigram of ['社保', '保卡', '卡丢', '丢了']) expect(t).toContain(bigram);
    for (const char of ['社', '保', '卡', '丢', '了']) expect(t).toContain(char);
    expect(t).toHaveLength(9);
  });

  it('does not make bigrams across punctuation', () => {
    const t = searchTerms('社保，卡丢了');
    expect(t).toContain('社保');
    expect(t).not.toContain('保卡');
    expect(t).toContain('卡丢');
  });

  it('keeps Latin words and numbers whole, lower-cased', () => {
    const t = searchTerms('Social Security card 12345');
    expect(t).toEqual(['social', 'security', 'card', '12345']);
  });

  it('keeps a Latin word or number whole when it touches Han characters', () => {
    const t = searchTerms('ETC卡办理');
    expect(t).toContain('etc');
    expect(t).toContain('卡办');
    expect(t).toContain('办理');
    expect(t).not.toContain('e');
    expect(t).not.toContain('c卡');

    const u = searchTerms('拨打12345热线');
    expect(u).toContain('12345');
    expect(u).toContain('热线');
    expect(u).not.toContain('1');
    expect(u).not.toContain('5热');

    expect(searchTerms('5G信号差')).toEqual(expect.arrayContaining(['5g', '信号', '号差']));
  });

  it('deduplicates', () => {
    const t = searchTerms('停水 停水 WATER water');
    expect(t.filter((x) => x === '停水')).toHaveLength(1);
    expect(t.filter((x) => x === 'water')).toHaveLength(1);
  });

  it('gives nothing for punctuation and blanks', () => {
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms('，。！？ ... !!! \'"|&')).toEqual([]);
  });
});

describe('documentTerms', () => {
  it('joins the terms of all parts with spaces and skips empty parts', () => {
    expect(documentTerms('补办', null, undefined, 'ID')).toBe('补 办 补办 id');
  });
});

describe('queryTerms', () => {
  it('ORs the bigrams of a Han query, quoted', () => {
    expect(queryTerms('社保卡丢了')).toBe("'社保' | '保卡' | '卡丢' | '丢了'");
  });

  it('falls back to the single character for a one-character query', () => {
    expect(queryTerms('卡')).toBe("'卡'");
  });

  it('keeps Latin words', () => {
    expect(queryTerms('ETC 办理')).toBe("'etc' | '办理'");
  });

  it.each(["a' | b & !c", "'; drop table tickets; --", 'a:* & b <-> c', '!(社保) & (卡丢了)', "it's \\' ''", 'x <2> y | z:AB'])(
    'cannot be made to emit operators: %j',
    (q) => {
      const out = queryTerms(q);
      expect(out).not.toBeNull();
      expect(out).toMatch(SAFE_TSQUERY);
      // every term, unquoted, is a plain word: no tsquery syntax survives
      for (const term of out!.split(' | ')) expect(term.slice(1, -1)).toMatch(/^[\p{L}\p{N}]+$/u);
    },
  );

  it('turns "a\' | b & !c" into three plain terms', () => {
    expect(queryTerms("a' | b & !c")).toBe("'a' | 'b' | 'c'");
  });

  it.each(['', '   ', '!!!', "'", '，。？', '| & ! ( ) : *'])('returns null for %j', (q) => {
    expect(queryTerms(q)).toBeNull();
  });
});
