/**
 * The suggestion model: a multinomial naive Bayes over a demand's words (each counted once), its street and its
 * channel, with a temperature fitted on a held-out slice so the confidences it shows mean what they say. Chosen for
 * what an intake desk needs: it trains in one pass over a million tickets on two cores, predicts in microseconds,
 * stores as plain numbers in the database, and says which words weighed most. Pure: no database, no clock (the
 * words are cut by the segmenter the caller got with the centre's words: lexicon.ts's segmenterFor).
 */
import type { Segmenter } from './segment.ts';

/** What a model sees of a demand. */
export type DemandInput = { title?: string | null; content: string; streetUnitId?: number | null; channel?: string | null };
export type Sample = { features: string[]; label: number };
export type Ranked = { label: number; confidence: number; words: string[] };

/** The features of a demand: its distinct words, and place and channel as tokens no word can equal. */
export function demandFeatures(seg: Segmenter, d: DemandInput): string[] {
  const set = new Set(seg.words(`${d.title ?? ''} ${d.content}`));
  if (d.streetUnitId) set.add(`@street:${d.streetUnitId}`);
  if (d.channel) set.add(`@channel:${d.channel}`);
  return [...set];
}

/** The stored form (assist_models.model): counts, so a model can be read back, merged or re-fitted. */
export type NbModel = {
  /**
   * 'nb-2': the temperature is per known word (the softmax divides by temperature × the demand's known words), so a
   * short demand and a long one are calibrated alike; 'nb-1' (models stored before): one temperature for all.
   */
  format: 'nb-1' | 'nb-2';
  alpha: number;
  temperature: number;
  vocab: string[];
  classes: number[];
  /** Training documents per class */
  docs: number[];
  /** Feature occurrences per class */
  totals: number[];
  /** Flattened triples: feature index, class index, count */
  counts: number[];
};

/** The per-word temperature a model starts with before one is fitted (about what held-out demands of the demo corpus fit). */
export const PER_WORD_TEMPERATURE = 0.4;

export type TrainOptions = { alpha?: number; minCount?: number; maxFeatures?: number };

/** Learn from samples (each sample's features distinct). Features seen fewer than `minCount` times are dropped. */
export function train(samples: readonly Sample[], opts: TrainOptions = {}): NbModel {
  const ids = new FeatureIds();
  const acc = new NbAccumulator();
  for (const s of samples) acc.add(ids.of(s.features), s.label);
  return acc.model(ids, opts);
}

/*
 * Naive Bayes counts gathered one sample at a time, for training on more tickets than fit in memory as rows:
 * features are interned to integers once (shared by the targets), a sample is counted and dropped, and the stored
 * model is built from the counts at any point — so one pass over the tickets (training.ts) yields both the model of
 * the earlier 90 % (to fit and measure on the rest) and the model of all.
 */

/** Feature strings ↔ small integers, shared by every accumulator of one training pass. */
export class FeatureIds {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(f: string): number {
    let i = this.ids.get(f);
    if (i === undefined) {
      i = this.names.length;
      this.ids.set(f, i);
      this.names.push(f);
    }
    return i;
  }

  of(features: readonly string[]): Int32Array {
    return Int32Array.from(features, (f) => this.id(f));
  }

  namesOf(ids: Int32Array): string[] {
    return Array.from(ids, (i) => this.names[i]!);
  }
}

/** Classes per accumulator: a pair key is feature * CLASS_SPAN + class index. */
const CLASS_SPAN = 65_536;

export class NbAccumulator {
  private readonly classIndex = new Map<number, number>();
  private readonly labels: number[] = [];
  private readonly docs: number[] = [];
  /** Documents per feature id */
  private readonly df: number[] = [];
  private readonly pairs = new Map<number, number>();
  samples = 0;

  /** Count one sample: its distinct features (ids) and its label. */
  add(features: Int32Array, label: number): void {
    let c = this.classIndex.get(label);
    if (c === undefined) {
      c = this.labels.length;
      if (c >= CLASS_SPAN) return;
      this.classIndex.set(label, c);
      this.labels.push(label);
      this.docs.push(0);
    }
    this.docs[c]!++;
    this.samples++;
    for (const f of features) {
      this.df[f] = (this.df[f] ?? 0) + 1;
      const key = f * CLASS_SPAN + c;
      this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
    }
  }

  get classes(): number {
    return this.labels.length;
  }

  /** The most frequent label and its share of the samples (the baseline a model must beat). */
  majority(): { label: number | null; share: number } {
    let best = -1;
    for (let c = 0; c < this.docs.length; c++) if (best < 0 || this.docs[c]! > this.docs[best]!) best = c;
    return best < 0 ? { label: null, share: 0 } : { label: this.labels[best]!, share: this.docs[best]! / this.samples };
  }

  /** The model of the samples counted so far (`train` builds it this way). */
  model(ids: FeatureIds, opts: TrainOptions = {}): NbModel {
    const alpha = opts.alpha ?? 0.3;
    const minCount = opts.minCount ?? 2;
    const kept: number[] = [];
    for (let f = 0; f < this.df.length; f++) if ((this.df[f] ?? 0) >= minCount) kept.push(f);
    const names = ids.names;
    kept.sort((a, b) => this.df[b]! - this.df[a]! || (names[a]! < names[b]! ? -1 : 1));
    const vocabIds = kept.slice(0, opts.maxFeatures ?? 200_000);
    const vIndex = new Map(vocabIds.map((f, i) => [f, i]));
    // classes ascending by label, as `train` orders them
    const order = [...this.labels.keys()].sort((a, b) => this.labels[a]! - this.labels[b]!);
    const sortedOf = new Int32Array(this.labels.length);
    order.forEach((c, i) => {
      sortedOf[c] = i;
    });
    const totals = order.map(() => 0);
    const triples: [number, number, number][] = [];
    for (const [key, n] of this.pairs) {
      const v = vIndex.get(Math.floor(key / CLASS_SPAN));
      if (v === undefined) continue;
      const c = sortedOf[key % CLASS_SPAN]!;
      totals[c]! += n;
      triples.push([v, c, n]);
    }
    triples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return {
      format: 'nb-2',
      alpha,
      temperature: PER_WORD_TEMPERATURE,
      vocab: vocabIds.map((f) => names[f]!),
      classes: order.map((c) => this.labels[c]!),
      docs: order.map((c) => this.docs[c]!),
      totals,
      counts: triples.flat(),
    };
  }
}

/** A model ready to predict: log-probabilities indexed by feature. Build once per stored version. */
export class Predictor {
  readonly model: NbModel;
  private readonly fIndex: Map<string, number>;
  private readonly logPrior: Float64Array;
  /** log(alpha / denominator) per class: the weight of a feature the class never saw */
  private readonly logUnseen: Float64Array;
  /** Per feature: [class, log((n + alpha) / alpha)] pairs, the gain over unseen */
  private readonly gains: [number, number][][];

  constructor(model: NbModel) {
    this.model = model;
    const V = model.vocab.length;
    const C = model.classes.length;
    this.fIndex = new Map(model.vocab.map((f, i) => [f, i]));
    const allDocs = model.docs.reduce((a, b) => a + b, 0);
    this.logPrior = Float64Array.from(model.docs, (n) => Math.log((n + 1) / (allDocs + C)));
    this.logUnseen = Float64Array.from(model.totals, (t) => Math.log(model.alpha / (t + model.alpha * V)));
    this.gains = Array.from({ length: V }, () => []);
    for (let k = 0; k < model.counts.length; k += 3) {
      this.gains[model.counts[k]!]!.push([model.counts[k + 1]!, Math.log((model.counts[k + 2]! + model.alpha) / model.alpha)]);
    }
  }

  /** The raw log-score of every class (in `model.classes` order) for these features, and how many of them the model knows. */
  rawScores(features: readonly string[]): { scores: Float64Array; known: number } {
    const { scores, known } = this.scores(features);
    return { scores, known: known.length };
  }

  /** The softmax's divisor for a demand with `known` known features at `temperature` (see NbModel.format). */
  divisor(temperature: number, known: number): number {
    return this.model.format === 'nb-2' ? temperature * Math.max(1, known) : temperature;
  }

  /** Raw scores per class index, and the known features' indexes. */
  private scores(features: readonly string[]): { scores: Float64Array; known: number[] } {
    const known: number[] = [];
    for (const f of features) {
      const i = this.fIndex.get(f);
      if (i !== undefined) known.push(i);
    }
    const scores = Float64Array.from(this.logPrior, (p, c) => p + known.length * this.logUnseen[c]!);
    for (const i of known) for (const [c, g] of this.gains[i]!) scores[c]! += g;
    return { scores, known };
  }

  /** The top `k` classes with softmax confidences (at the fitted temperature) and up to 3 words that weighed most for each. */
  predict(features: readonly string[], k = 3, temperature = this.model.temperature): Ranked[] {
    if (this.model.classes.length === 0) return [];
    const { scores, known } = this.scores(features);
    const max = Math.max(...scores);
    const t = this.divisor(temperature, known.length);
    const exp = Array.from(scores, (s) => Math.exp((s - max) / t));
    const sum = exp.reduce((a, b) => a + b, 0);
    const order = [...exp.keys()].sort((a, b) => exp[b]! - exp[a]!).slice(0, k);
    return order.map((c) => ({ label: this.model.classes[c]!, confidence: exp[c]! / sum, words: this.weighed(known, c) }));
  }

  /** The words whose evidence for class c most exceeds their average evidence over all classes. */
  private weighed(known: number[], c: number): string[] {
    const C = this.model.classes.length;
    const rows = known
      .filter((i) => !this.model.vocab[i]!.startsWith('@'))
      .map((i) => {
        let mine = 0;
        let all = 0;
        for (const [cc, g] of this.gains[i]!) {
          all += g;
          if (cc === c) mine = g;
        }
        return { word: this.model.vocab[i]!, lift: mine - all / C };
      })
      .filter((r) => r.lift > 0)
      .sort((a, b) => b.lift - a.lift);
    return rows.slice(0, 3).map((r) => r.word);
  }
}

/** Top-1 and top-3 accuracy of a predictor on labelled samples. */
export function accuracy(p: Predictor, samples: readonly Sample[]): { n: number; top1: number; top3: number } {
  let top1 = 0;
  let top3 = 0;
  for (const s of samples) {
    const r = p.predict(s.features, 3);
    if (r[0]?.label === s.label) top1++;
    if (r.some((x) => x.label === s.label)) top3++;
  }
  const n = samples.length;
  return { n, top1: n ? top1 / n : 0, top3: n ? top3 / n : 0 };
}

/**
 * The temperature that makes confidences honest: the one (from a small grid) with the lowest log loss on held-out
 * samples. Naive Bayes is over-confident by construction; this keeps the ranking and fixes the numbers.
 */
export function fitTemperature(p: Predictor, held: readonly Sample[]): number {
  const grid = p.model.format === 'nb-2' ? [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7, 1, 1.5, 2, 3] : [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];
  const index = new Map(p.model.classes.map((c, i) => [c, i]));
  // Each sample scored once; the grid only rescales (log-softmax at the sample's divisor).
  const rows = held.flatMap((s) => {
    const c = index.get(s.label);
    return c === undefined ? [] : [{ ...p.rawScores(s.features), c }];
  });
  if (rows.length === 0) return p.model.temperature;
  let best = p.model.temperature;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of grid) {
    let loss = 0;
    for (const { scores, known, c } of rows) {
      const d = p.divisor(t, known);
      let max = Number.NEGATIVE_INFINITY;
      for (const v of scores) if (v > max) max = v;
      let sum = 0;
      for (const v of scores) sum += Math.exp((v - max) / d);
      loss -= (scores[c]! - max) / d - Math.log(sum);
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
}
