/**
 * Near-duplicates across callers on the labelled set (test/assist/fixtures/near-duplicates.ts): precision and recall
 * over every pair of demands of the set, for the matcher (src/domain/assist/near-duplicates.ts) and for the old rule
 * it joins at intake (same category and a near address: within 300 m, or an address bigram similarity ≥ 0.5, over 30
 * days). Each demand is matched, at its hour, against the earlier ones its retrieval would read (the same street, or
 * within the coordinates' box); a pair is found when the later one finds the earlier one.
 *
 * Words are cut as a centre's segmenter cuts them, with the city's own words (its categories, streets and districts,
 * and the places its addresses name: lexicon.ts's segmenterForCity).
 *
 * The threshold is swept for each text measure (IDF-weighted cosine over jieba words, Jaccard over the words, Jaccard
 * over character bigrams) and address weight; the shipped constants are reported as they stand, and, so the figure
 * is not only the set the threshold was chosen on, a two-fold check: a threshold chosen on the east streets'
 * demands is tested on the west streets' and the other way round.
 */
import {
  ADDRESS_WEIGHT,
  DEFAULT_MATCH,
  type MatchOptions,
  type NearDemand,
  NEAR_THRESHOLD,
  type TextMeasure,
  addressSimilarity,
  matchNearDuplicates,
  metres,
} from '../../src/domain/assist/near-duplicates.ts';
import { segmenterForCity } from '../../src/domain/assist/lexicon.ts';
import type { Segmenter } from '../../src/domain/assist/segment.ts';
import { type LabelledDemand, NEAR_DUPLICATE_SET, STREETS, labelledPairs } from '../../test/assist/fixtures/near-duplicates.ts';
import type { EvalReport } from './run.ts';

const BASE = Date.parse('2026-03-02T00:00:00Z');
type Item = LabelledDemand & NearDemand;
const asItem = (d: LabelledDemand): Item => ({ ...d, at: new Date(BASE + d.hour * 3600_000) });

/** The retrieval's filter (nearDuplicates' query): same street, or both with coordinates about NEAR_METRES apart at most. */
function retrievable(q: Item, c: Item, m: number): boolean {
  if (q.street === c.street) return true;
  return q.lat !== undefined && c.lat !== undefined && metres(q.lat, q.lng!, c.lat, c.lng!) <= m * 1.5;
}

export type PairCounts = { tp: number; fp: number; fn: number; precision: number; recall: number; f1: number };

function counts(found: Set<string>, truth: Set<string>): PairCounts {
  let tp = 0;
  for (const p of found) if (truth.has(p)) tp++;
  const fp = found.size - tp;
  const fn = truth.size - tp;
  const precision = found.size ? tp / found.size : 1;
  const recall = truth.size ? tp / truth.size : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision: r3(precision), recall: r3(recall), f1: r3(f1) };
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const key = (a: LabelledDemand, b: LabelledDemand) => (a.key < b.key ? `${a.key}|${b.key}` : `${b.key}|${a.key}`);

/** Unordered labelled pairs among a subset. */
function truthOf(set: LabelledDemand[]): Set<string> {
  const out = new Set<string>();
  for (const p of labelledPairs(set)) {
    const [a, b] = p.split('|');
    out.add(a! < b! ? p : `${b}|${a}`);
  }
  return out;
}

/** The labelled city's segmenter: its categories, streets and districts, and the places its addresses name, kept whole. */
export function labelledCitySegmenter(): Segmenter {
  const units = [...Object.keys(STREETS), ...new Set(Object.values(STREETS).map((s) => s.district))].map((name) => ({ name }));
  const categories = [...new Set(NEAR_DUPLICATE_SET.map((d) => d.category))];
  return segmenterForCity({ categories, units, addresses: NEAR_DUPLICATE_SET.map((d) => d.address) }).segmenter;
}

/** The pairs the matcher finds on a subset of the set (the words cut with the whole city's). */
export function matcherPairs(set: LabelledDemand[], opts: MatchOptions = DEFAULT_MATCH): Set<string> {
  const seg = labelledCitySegmenter();
  const items = set.map(asItem);
  const found = new Set<string>();
  for (const q of items) {
    const pool = items.filter((c) => c !== q && c.at < q.at && retrievable(q, c, opts.metres));
    for (const { candidate } of matchNearDuplicates(seg, q, pool, opts)) found.add(key(q, candidate));
  }
  return found;
}

/** The pairs the old rule finds: same category, within 300 m (both with coordinates) or address similarity ≥ 0.5, 30 days. */
export function oldRulePairs(set: LabelledDemand[]): Set<string> {
  const items = set.map(asItem);
  const found = new Set<string>();
  for (const q of items) {
    for (const c of items) {
      if (c === q || c.at >= q.at || q.at.getTime() - c.at.getTime() > 30 * 86400_000 || c.category !== q.category) continue;
      const near = q.lat !== undefined && c.lat !== undefined ? metres(q.lat, q.lng!, c.lat, c.lng!) <= 300 : addressSimilarity(q.address, c.address) >= 0.5;
      if (near) found.add(key(q, c));
    }
  }
  return found;
}

export function evaluateMatcher(set: LabelledDemand[], opts: MatchOptions = DEFAULT_MATCH): PairCounts {
  return counts(matcherPairs(set, opts), truthOf(set));
}

export function evaluateOldRule(set: LabelledDemand[] = NEAR_DUPLICATE_SET): PairCounts {
  return counts(oldRulePairs(set), truthOf(set));
}

const THRESHOLDS = Array.from({ length: 31 }, (_, i) => r3(0.05 + i * 0.01));
const WEIGHTS = [0, 0.15, 0.3];
const MEASURES: TextMeasure[] = ['words_chars', 'words', 'jaccard', 'bigram_jaccard'];

/** The best threshold (by F1, ties to the higher threshold) for a measure and address weight on a subset. */
function best(set: LabelledDemand[], measure: TextMeasure, addressWeight: number) {
  let top: { threshold: number; counts: PairCounts } | null = null;
  for (const threshold of THRESHOLDS) {
    const c = evaluateMatcher(set, { ...DEFAULT_MATCH, measure, addressWeight, threshold });
    if (!top || c.f1 >= top.counts.f1) top = { threshold, counts: c };
  }
  return top!;
}

export async function evaluate(): Promise<EvalReport> {
  const set = NEAR_DUPLICATE_SET;
  const truth = truthOf(set);
  const old = evaluateOldRule(set);
  const shipped = evaluateMatcher(set);
  const sweep = MEASURES.flatMap((measure) => WEIGHTS.map((w) => ({ measure, addressWeight: w, ...best(set, measure, w) })));
  const east = set.filter((d) => d.district === '东城区');
  const west = set.filter((d) => d.district === '西城区');
  const fold = (train: LabelledDemand[], test: LabelledDemand[]) => {
    const b = best(train, DEFAULT_MATCH.measure, ADDRESS_WEIGHT);
    return { threshold: b.threshold, ...evaluateMatcher(test, { ...DEFAULT_MATCH, threshold: b.threshold }) };
  };
  const folds = [fold(east, west), fold(west, east)];
  const fmt = (c: PairCounts) =>
    `precision ${c.precision.toFixed(2)}, recall ${c.recall.toFixed(2)}, F1 ${c.f1.toFixed(2)} (${c.tp} found, ${c.fp} wrong, ${c.fn} missed)`;
  const lines = [
    `${set.length} demands, ${new Set(set.map((d) => d.matter)).size} matters, ${truth.size} duplicate pairs`,
    `matcher (IDF cosine over words and their characters + ${ADDRESS_WEIGHT} × address, threshold ${NEAR_THRESHOLD}, ${DEFAULT_MATCH.windowDays} days, ${DEFAULT_MATCH.metres} m): ${fmt(shipped)}`,
    `old rule (same category, near address, 30 days): ${fmt(old)}`,
    ...folds.map(
      (f, i) => `two-fold, threshold chosen on the ${i ? 'west' : 'east'} district (${f.threshold}), tested on the ${i ? 'east' : 'west'}: ${fmt(f)}`,
    ),
    'best threshold per text measure and address weight (F1 on the whole set):',
    ...sweep.map((s) => `  ${s.measure.padEnd(14)} address ${s.addressWeight.toFixed(2)}: threshold ${s.threshold.toFixed(3)} → ${fmt(s.counts)}`),
  ];
  return {
    title: 'Near-duplicates across callers (labelled set)',
    lines,
    figures: { demands: set.length, pairs: truth.size, shipped: { ...DEFAULT_MATCH, ...shipped }, oldRule: old, folds, sweep },
  };
}
