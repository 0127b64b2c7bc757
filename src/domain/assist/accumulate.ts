/**
 * Naive Bayes counts gathered one sample at a time, for training on more tickets than fit in memory as rows:
 * features are interned to integers once (shared by the targets), a sample is counted and dropped, and the
 * stored model (classifier.ts NbModel, the same format and the same vocabulary rule as `train`) is built from the
 * counts at any point — so one pass yields both the model of the earlier 90 % (to fit and measure on the rest)
 * and the model of all.
 */
import { type NbModel, PER_WORD_TEMPERATURE, type TrainOptions } from './classifier.ts';

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

  /** The model of the samples counted so far (as classifier.ts `train` would build it from the same samples). */
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
