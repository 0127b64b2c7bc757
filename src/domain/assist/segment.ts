/**
 * Chinese word segmentation (分词) with jieba (@node-rs/jieba: a native build and its dictionary ship inside the npm
 * package; nothing is downloaded at run time), extended with the centre's own words. Loaded on first use (about a
 * quarter of a second and some 60 MB), so an instance that never segments never pays for it.
 *
 * A demand's words are cut through a Segmenter, and the only way to hold one is to have given the centre's words
 * first (lexicon.ts's segmenterFor(db) reads them from the database; Segmenter.teach takes them from an evaluation's
 * own city): training, suggesting and near-duplicate hints then cut alike, whatever else ran in the process before.
 */
import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';

const require = createRequire(import.meta.url);
let jieba: Jieba | null = null;
/** The centre's words added so far (kept so a late first load still knows them) */
const extra = new Set<string>();

function instance(): Jieba {
  if (jieba) return jieba;
  const { Jieba: J } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
  const { dict } = require('@node-rs/jieba/dict.js') as { dict: Uint8Array };
  jieba = J.withDict(dict);
  if (extra.size) jieba.loadDict(dictOf(extra));
  return jieba;
}

/** Is this a word the segmenter can be taught: 2–30 characters, no white space. */
export function isTeachable(word: string): boolean {
  const n = [...word].length;
  return n >= 2 && n <= 30 && !/\s/.test(word);
}

/** A user-dictionary fragment: one word per line with a frequency high enough to keep it whole. */
function dictOf(words: Iterable<string>): Uint8Array {
  let text = '';
  for (const w of words) text += `${w} 2000 n\n`;
  return Buffer.from(text);
}

/** How many times the centre's words changed in this process: whoever stored or cached segmented text cuts it again. */
let version = 0;

export function wordsVersion(): number {
  return version;
}

/**
 * Make the centre's words exactly `words`. jieba can only learn words, not forget them, so when one was taken away
 * (an admin deleted a lexicon word, a unit was renamed) the segmenter is built again on next use (a quarter of a
 * second); otherwise the new words are simply added. Returns whether the set changed.
 */
function replaceWords(words: Iterable<string>): boolean {
  const next = new Set<string>();
  for (const raw of words) {
    const w = raw.trim();
    if (isTeachable(w)) next.add(w);
  }
  const removed = [...extra].some((w) => !next.has(w));
  const fresh = [...next].filter((w) => !extra.has(w));
  if (!removed && fresh.length === 0) return false;
  // a word taken away: jieba is built again with `extra` on next use; otherwise it learns the new ones
  if (removed) {
    extra.clear();
    jieba = null;
  } else if (jieba) jieba.loadDict(dictOf(fresh));
  for (const w of removed ? next : fresh) extra.add(w);
  version++;
  return true;
}

/**
 * Cuts a demand into the words a model or the near-duplicate matcher reads, with the centre's words kept whole. Not
 * constructed: `Segmenter.teach(words)` gives the centre's words and hands one back (lexicon.ts does so with the
 * database's words; an evaluation with its own city's).
 */
export class Segmenter {
  static readonly #shared = new Segmenter();
  /** Makes the type nominal: an object with a `words` method is not a segmenter that was taught the centre's words */
  declare private readonly taught: true;

  private constructor() {}

  /** Make the centre's words exactly `words` (category, unit and place names, the lexicon) and return the segmenter. */
  static teach(words: Iterable<string>): Segmenter {
    replaceWords(words);
    return Segmenter.#shared;
  }

  /** The words that say what a text is about: lower-cased, no punctuation, stop words and lone digits dropped. */
  words(text: string): string[] {
    return meaningful(cut(text));
  }
}

/** The words jieba cuts, as they come (punctuation included). HMM on: unknown words (names, slang) still come out whole. */
export function cut(text: string): string[] {
  return text ? instance().cut(text, true) : [];
}

/**
 * Search granularity (jieba's search mode): each word and, for a long one, the dictionary words inside it
 * ('社保卡' → '社保', '社保卡'), so a document and a query cut a little differently still meet.
 */
export function cutForSearch(text: string): string[] {
  return text ? instance().cutForSearch(text, true) : [];
}

/** Words that carry no matter of their own: particles, pronouns, the hotline's courtesies. */
const STOP = new Set(
  (
    '的 了 是 我 你 他 她 它 们 在 有 也 就 都 和 与 及 还 又 很 太 说 要 想 会 能 把 被 给 让 对 向 从 到 这 那 个 一 不 没 吗 呢 吧 啊 呀 哦 嗯 么 着 过 ' +
    '我们 你们 他们 我家 这个 那个 一个 这样 那样 这里 那里 什么 怎么 为什么 已经 一直 现在 时候 问题 情况 反映 来电 市民 诉求 请求 希望 请问 ' +
    '相关 部门 处理 解决 帮忙 麻烦 谢谢 您好 你好 一下 还是 但是 因为 所以 如果 然后 而且 就是 可以 没有 不是 一些 好像 这边 那边 ' +
    // question words: every caller asks "how", none of them says what the matter is
    '怎么办 怎么样 怎样 如何 哪里 哪儿 哪些 哪个 多少 是不是 能不能 可不可以 有没有 需要 应该 知道 告诉 咨询 一般 还有 的话'
  ).split(' '),
);
/** Is this one of the words that carry no matter of their own (lower-cased)? */
export function isStopWord(w: string): boolean {
  return STOP.has(w);
}
const MEANINGFUL = /[\p{Script=Han}\p{L}\p{N}]/u;

/** The same at search granularity (see cutForSearch): what knowledge-base search stores and asks for. */
export function searchWords(text: string): string[] {
  return meaningful(cutForSearch(text));
}

function meaningful(cuts: string[]): string[] {
  const out: string[] = [];
  for (const raw of cuts) {
    const w = raw.trim().toLowerCase();
    if (!w || !MEANINGFUL.test(w) || STOP.has(w) || /^\d{1,2}$/.test(w)) continue;
    out.push(w);
  }
  return out;
}
