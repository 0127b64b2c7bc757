/**
 * `npm run eval:assist -- classify`: category and unit suggestions (src/domain/assist/classifier.ts) on a labelled
 * corpus from the demo generator (src/demo/corpus.ts: a year of demands said as the demo history says them, with their
 * final category and the lead unit the demo's dispatcher gives them, a few percent re-dispatched elsewhere). Trains on
 * the earlier span and tests on the later one, against baselines measured in the same run: the most frequent class, and
 * the dispatch catalogue's keyword rules (for units: the catalogue applied to the true category and street, as the
 * dispatcher does, and to the category keywords give). Then a harder split: phrasings held out — trained on some of the
 * ways a matter is said, tested on the others. The corpus is written by the team: these figures say the machinery
 * works, not what a centre will see; that is measured on its own history (the admin screen's weekly accuracy).
 */
import { accuracy, demandFeatures, fitTemperature, Predictor, train, type Sample } from '../../src/domain/assist/classifier.ts';
import { segmenterForCity } from '../../src/domain/assist/lexicon.ts';
import type { Segmenter } from '../../src/domain/assist/segment.ts';
import { catalogueLeads, demoWorld, generateCorpus, type CorpusWorld, type LabelledDemand } from '../../src/demo/corpus.ts';
import { LEAVES } from '../../src/demo/demands.ts';
import { placeIn } from '../../src/demo/places.ts';
import { Rng } from '../../src/demo/random.ts';
import { DEMO_ALIASES } from '../../src/seed/routing.ts';
import type { EvalReport } from './run.ts';

type Scores = { n: number; top1: number; top3: number };
/** A demand with its features: title and content, or the caller's words alone (no operator's title) */
type Row = LabelledDemand & { features: string[]; words: string[] };
type Variant = { calibrate: boolean; contentOnly: boolean };
/** Held-out samples fitting the temperature, at most (fitTemperature ranks every class with its words: slow) */
const CALIBRATION_SAMPLES = 1500;

const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const day = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);

function score(ranked: readonly (readonly number[])[], truth: readonly number[]): Scores {
  let top1 = 0;
  let top3 = 0;
  ranked.forEach((r, i) => {
    if (r[0] === truth[i]) top1++;
    if (r.slice(0, 3).includes(truth[i]!)) top3++;
  });
  const n = truth.length;
  return { n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0 };
}
const fmt = (s: Scores) => `${f2(s.top1)} / ${f2(s.top3)}`;

/** The first three distinct of `ranked`, then of `fallback`. */
const top3 = (ranked: readonly number[], fallback: readonly number[]) => [...new Set([...ranked, ...fallback])].slice(0, 3);

/** Classes by frequency in `labels`, most frequent first. */
function byFrequency(labels: readonly number[]): number[] {
  const n = new Map<number, number>();
  for (const l of labels) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([l]) => l);
}

/** Train on `rows` (in time order); calibrated: the last tenth (at most CALIBRATION_SAMPLES) fits the temperature first. */
function fitModel(rows: readonly Row[], label: (r: Row) => number, v: Variant) {
  const samples: Sample[] = rows.map((r) => ({ features: v.contentOnly ? r.words : r.features, label: label(r) }));
  const cut = Math.max(Math.floor(samples.length * 0.9), samples.length - CALIBRATION_SAMPLES);
  const temperature = v.calibrate ? fitTemperature(new Predictor(train(samples.slice(0, cut))), samples.slice(cut)) : 1;
  const t0 = performance.now();
  const model = train(samples);
  const trainMs = performance.now() - t0;
  model.temperature = temperature;
  return { predictor: new Predictor(model), temperature, trainMs, features: model.vocab.length };
}

/** The baselines' and the classifier's rankings of `test`, for category and unit. */
function compare(w: CorpusWorld, trainRows: readonly Row[], test: readonly Row[], v: Variant) {
  const leafIds = new Set(LEAVES.map((l) => w.categoryIds.get(l.path)!));
  const catFreq = byFrequency(trainRows.map((r) => r.categoryId));
  const unitFreq = byFrequency(trainRows.map((r) => r.leadUnitId));
  // A keyword rule names a category; at leaf level that is its most frequent leaf in training.
  const leafUnder = (categoryId: number) =>
    leafIds.has(categoryId) ? categoryId : catFreq.find((leaf) => w.lineage.get(leaf)!.some((a) => a.id === categoryId));
  const keywordRules = w.rules.filter((r) => r.keyword && r.categoryId !== null);
  const names = LEAVES.map((l) => ({ name: l.path.split('/').at(-1)!, id: w.categoryIds.get(l.path)! })).sort((a, b) => b.name.length - a.name.length);
  const ruleCats = (text: string) => keywordRules.filter((r) => text.includes(r.keyword!.toLowerCase())).flatMap((r) => leafUnder(r.categoryId!) ?? []);
  const nameCats = (text: string) => names.filter((n) => text.includes(n.name)).map((n) => n.id);
  const streetOf = new Map(w.streets.map((s) => [s.id, s]));

  const cat = fitModel(trainRows, (r) => r.categoryId, v);
  const unit = fitModel(trainRows, (r) => r.leadUnitId, v);
  const featuresOf = (r: Row) => (v.contentOnly ? r.words : r.features);
  const truthC = test.map((r) => r.categoryId);
  const truthU = test.map((r) => r.leadUnitId);
  const t0 = performance.now();
  const predC = test.map((r) => cat.predictor.predict(featuresOf(r), 3));
  const predictUs = ((performance.now() - t0) * 1000) / Math.max(1, test.length);
  const kwC = test.map((r) => top3([...ruleCats(`${r.title} ${r.content}`.toLowerCase())], catFreq));
  const kwNamesC = test.map((r) => {
    const text = `${r.title} ${r.content}`.toLowerCase();
    return top3([...ruleCats(text), ...nameCats(text)], catFreq);
  });
  const ruleU = test.map((r) => top3(catalogueLeads(w, r.categoryId, streetOf.get(r.streetUnitId)!, r), unitFreq));
  const kwU = test.map((r, i) => {
    const guessed = kwNamesC[i]![0]!;
    const matched = guessed !== catFreq[0] || nameCats(`${r.title} ${r.content}`.toLowerCase()).includes(guessed);
    return top3(catalogueLeads(w, matched ? guessed : null, streetOf.get(r.streetUnitId)!, r), unitFreq);
  });
  const hits = (pred: { label: number }[][], truth: number[], keep: (r: Row) => boolean) => {
    const idx = test.map((r, i) => (keep(r) ? i : -1)).filter((i) => i >= 0);
    return score(
      idx.map((i) => pred[i]!.map((x) => x.label)),
      idx.map((i) => truth[i]!),
    );
  };
  const confidence = predC.reduce((s, p) => s + (p[0]?.confidence ?? 0), 0) / Math.max(1, predC.length);
  return {
    category: {
      classifier: accuracy(
        cat.predictor,
        test.map((r) => ({ features: featuresOf(r), label: r.categoryId })),
      ),
      mostFrequent: score(
        test.map(() => catFreq.slice(0, 3)),
        truthC,
      ),
      keywordRules: score(kwC, truthC),
      keywordRulesAndNames: score(kwNamesC, truthC),
      clean: hits(predC, truthC, (r) => r.noise.length === 0),
      noisy: hits(predC, truthC, (r) => r.noise.length > 0),
      aside: hits(predC, truthC, (r) => r.noise.includes('aside')),
      meanTop1Confidence: confidence,
      temperature: cat.temperature,
      features: cat.features,
      trainMs: cat.trainMs,
      predictUs,
    },
    unit: {
      classifier: accuracy(
        unit.predictor,
        test.map((r) => ({ features: featuresOf(r), label: r.leadUnitId })),
      ),
      mostFrequent: score(
        test.map(() => unitFreq.slice(0, 3)),
        truthU,
      ),
      catalogueTrueCategory: score(ruleU, truthU),
      catalogueKeywordCategory: score(kwU, truthU),
      temperature: unit.temperature,
      trainMs: unit.trainMs,
    },
  };
}

export type ClassifyFigures = ReturnType<typeof compare>;

/** A `said:<i>` template with i % 4 === 3 is held out of training in the harder split. */
export const heldOut = (template: string) => template.startsWith('said:') && Number(template.slice(5)) % 4 === 3;

/** Addresses drawn per street for the demo city's place names (the seeded city's are read from its tickets' addresses). */
const PLACE_ADDRESSES_PER_STREET = 200;

/**
 * The demo city's segmenter, taught the words its database would give (lexicon.ts): category names, unit names and
 * the aliases the catalogue gives them, and the place names its callers' addresses name (drawn as the history draws them).
 */
export function demoCitySegmenter(w: CorpusWorld): { segmenter: Segmenter; words: number; places: string[] } {
  const codeOf = new Map([...w.unitIds].map(([code, id]) => [id, code]));
  const units = [...w.units.values()].map((u) => ({ name: u.name, aliases: DEMO_ALIASES[codeOf.get(u.id)!] ?? [] }));
  const categories = [...w.categoryIds.keys()].map((path) => path.split('/').at(-1)!);
  const r = new Rng('demo city places');
  const addresses = w.streets.flatMap((s) => Array.from({ length: PLACE_ADDRESSES_PER_STREET }, () => placeIn(r, s).address));
  return segmenterForCity({ categories, units, addresses });
}

/** Both splits on a corpus of `days` from `from`, the last `testDays` tested. */
export function measure(opts: { from: Date; days: number; testDays: number; perDay: number; seed?: string }) {
  const w = demoWorld();
  const t0 = performance.now();
  const corpus = generateCorpus(opts, w);
  const generateMs = performance.now() - t0;
  const t1 = performance.now();
  const { segmenter: seg, words: centreWords, places } = demoCitySegmenter(w);
  const rows: Row[] = corpus.map((d) => ({
    ...d,
    features: demandFeatures(seg, d),
    words: demandFeatures(seg, { content: d.content, streetUnitId: d.streetUnitId, channel: d.channel }),
  }));
  const segmentMs = performance.now() - t1;
  const cutoff = opts.from.getTime() + (opts.days - opts.testDays) * 86_400_000;
  const before = rows.filter((r) => r.at < cutoff);
  const after = rows.filter((r) => r.at >= cutoff);
  const frequent = new Set(LEAVES.filter((l) => l.phrasings?.length).map((l) => l.path));
  const full = { calibrate: true, contentOnly: false };
  const said = { calibrate: false, contentOnly: true };
  const timeSplit = compare(w, before, after, full);
  const timeSplitWords = compare(w, before, after, said);
  const trainSeen = before.filter((r) => !heldOut(r.template));
  const heldTest = after.filter((r) => frequent.has(r.leafPath) && heldOut(r.template));
  // The same leaves' later demands in the phrasings trained on: what holding phrasings out costs.
  const seenTest = after.filter((r) => frequent.has(r.leafPath) && !heldOut(r.template));
  const plain = { calibrate: false, contentOnly: false };
  const held = {
    test: heldTest.length,
    split: compare(w, trainSeen, heldTest, plain),
    seen: compare(w, trainSeen, seenTest, plain),
    splitWords: compare(w, trainSeen, heldTest, said),
    seenWords: compare(w, trainSeen, seenTest, said),
  };
  const templates = new Map<string, Set<string>>();
  for (const d of corpus) if (frequent.has(d.leafPath)) (templates.get(d.leafPath) ?? templates.set(d.leafPath, new Set()).get(d.leafPath)!).add(d.template);
  const noiseKinds = new Map<string, number>();
  for (const d of corpus) for (const k of d.noise) noiseKinds.set(k, (noiseKinds.get(k) ?? 0) + 1);
  return {
    corpus: {
      demands: corpus.length,
      from: day(opts.from.getTime()),
      to: day(cutoff + opts.testDays * 86_400_000 - 1),
      cutoff: day(cutoff),
      train: before.length,
      test: after.length,
      leaves: new Set(corpus.map((d) => d.leafPath)).size,
      units: new Set(corpus.map((d) => d.leadUnitId)).size,
      noisy: corpus.filter((d) => d.noise.length > 0).length / corpus.length,
      noiseKinds: Object.fromEntries([...noiseKinds].map(([k, n]) => [k, n / corpus.length])),
      redispatched: corpus.filter((d) => d.redispatched).length / corpus.length,
      misfiled: corpus.filter((d) => d.misfiled).length / corpus.length,
      phrasingsPerFrequentLeaf: Object.fromEntries([...templates].map(([p, s]) => [p, s.size])),
      generateMs,
      segmentMs,
      centreWords,
      places: places.length,
    },
    timeSplit,
    timeSplitWords,
    heldOut: held,
  };
}

export async function evaluate(): Promise<EvalReport> {
  const started = performance.now();
  // A year ending 2026-11-30 (local), the last 61 days tested; about 100 tickets a working day.
  const m = measure({ from: new Date('2025-11-30T16:00:00.000Z'), days: 365, testDays: 61, perDay: 100 });
  const c = m.corpus;
  const t = m.timeSplit;
  const h = m.heldOut;
  const counts = Object.values(c.phrasingsPerFrequentLeaf).sort((a, b) => a - b);
  const kinds = Object.entries(c.noiseKinds)
    .map(([k, v]) => `${k} ${pct(v)}`)
    .join(', ');
  const tw = m.timeSplitWords;
  const lines = [
    `corpus: ${c.demands} demands from the demo generator, ${c.from} to ${c.to}; ${c.leaves} leaf categories, ${c.units} lead units; label noise: ${pct(c.misfiled)} filed under a neighbouring category, ${pct(c.redispatched)} re-dispatched elsewhere`,
    `phrasings: ${counts.length} frequent leaves with ${counts[0]}–${counts.at(-1)} distinct templates each (composed + said); ${pct(c.noisy)} of demands noisy (${kinds})`,
    `time split: train before ${c.cutoff} (${c.train}), test from it (${c.test}); top-1 / top-3`,
    `  category: classifier ${fmt(t.category.classifier)}, on the caller's words alone (no title) ${fmt(tw.category.classifier)} | most frequent class ${fmt(t.category.mostFrequent)} | catalogue keyword rules ${fmt(t.category.keywordRules)} | keyword rules + category names ${fmt(t.category.keywordRulesAndNames)}`,
    `  unit:     classifier ${fmt(t.unit.classifier)}, no title ${fmt(tw.unit.classifier)} | most frequent class ${fmt(t.unit.mostFrequent)} | catalogue on the true category and street ${fmt(t.unit.catalogueTrueCategory)} | catalogue on the keywords' category ${fmt(t.unit.catalogueKeywordCategory)}`,
    `  category by noise (top-1): clean ${f2(t.category.clean.top1)} (${t.category.clean.n}), noisy ${f2(t.category.noisy.top1)} (${t.category.noisy.n}), with an aside from another category ${f2(t.category.aside.top1)} (${t.category.aside.n}); no title: ${f2(tw.category.clean.top1)}, ${f2(tw.category.noisy.top1)}, ${f2(tw.category.aside.top1)}`,
    `  calibration: mean top-1 confidence ${f2(t.category.meanTop1Confidence)} vs top-1 accuracy ${f2(t.category.classifier.top1)} (temperature ${t.category.temperature})`,
    `held-out phrasings (every 4th said template of the frequent leaves never trained on; ${h.test} test demands), vs the same leaves' seen phrasings:`,
    `  category: classifier ${fmt(h.split.category.classifier)} (seen ${fmt(h.seen.category.classifier)}), no title ${fmt(h.splitWords.category.classifier)} (seen ${fmt(h.seenWords.category.classifier)}) | most frequent class ${fmt(h.split.category.mostFrequent)} | keyword rules + category names ${fmt(h.split.category.keywordRulesAndNames)}`,
    `  unit:     classifier ${fmt(h.split.unit.classifier)} (seen ${fmt(h.seen.unit.classifier)}), no title ${fmt(h.splitWords.unit.classifier)} (seen ${fmt(h.seenWords.unit.classifier)}) | most frequent class ${fmt(h.split.unit.mostFrequent)} | catalogue on the true category ${fmt(h.split.unit.catalogueTrueCategory)} | on the keywords' category ${fmt(h.split.unit.catalogueKeywordCategory)}`,
    `time: generated in ${(c.generateMs / 1000).toFixed(1)} s, segmented in ${(c.segmentMs / 1000).toFixed(1)} s, category model trained in ${Math.round(t.category.trainMs)} ms (${t.category.features} features), ${t.category.predictUs.toFixed(0)} µs per prediction; ${((performance.now() - started) / 1000).toFixed(1)} s in all`,
  ];
  return { title: 'Category and unit suggestions (demo corpus)', lines, figures: m };
}
