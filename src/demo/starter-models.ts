/**
 * The demo city's first suggestion models. Its history holds about 150 tickets — far too few to learn the
 * catalogue's categories and units from (a centre's own first model waits for 200 closed tickets,
 * src/domain/assist/scheduled-training.ts) — so on the first start the demo's models are trained on a year of the demo corpus
 * (src/demo/corpus.ts: the demo's phrasings and noise, the catalogue's dispatch) and stored as version 1 of each
 * target, their evaluation marked `source: 'demo corpus'`. Its demands are cut with the city's own words, as its
 * suggestions and later retraining cut theirs. Real models come from a centre's own closed tickets.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { units } from '../../db/schema/index.ts';
import type { AssistTarget } from '../contract/assist.ts';
import { demandFeatures, type Sample, train } from '../domain/assist/classifier.ts';
import { segmenterFor } from '../domain/assist/lexicon.ts';
import { evaluate, store, type TrainedModel } from '../domain/assist/training.ts';
import { rowsOf } from '../domain/tickets/queries.ts';
import { generateCorpus, inSeededIds, SEEDED_CATEGORY_PATHS } from './corpus.ts';

const DAY_MS = 86_400_000;
/** A year at this many demands a working day: about 7,000, enough for every frequent leaf's phrasings */
const PER_DAY = 24;

function mostFrequent(samples: Sample[]): number | null {
  const n = new Map<number, number>();
  for (const s of samples) n.set(s.label, (n.get(s.label) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Trains and stores the starter models (both targets); the newest tenth of the corpus measures them first. */
export async function seedStarterModels(db: Db, now: Date): Promise<TrainedModel[]> {
  const started = performance.now();
  const from = new Date(now.getTime() - 365 * DAY_MS);
  const corpus = generateCorpus({ seed: 'jiesu demo starter', from, days: 365, perDay: PER_DAY });
  const categories = rowsOf<{ id: number; path: string }>(await db.execute(sql.raw(SEEDED_CATEGORY_PATHS))).map((c) => ({ id: Number(c.id), path: c.path }));
  const unitRows = await db.select({ id: units.id, kind: units.kind, name: units.name }).from(units);
  const demands = inSeededIds(corpus, { categories, units: unitRows });
  const seg = await segmenterFor(db);
  const features = demands.map((d) => demandFeatures(seg, { title: d.title, content: d.content, streetUnitId: d.street, channel: d.channel }));
  const boundary = Math.round(demands.length * 0.9);
  const built = (['category', 'unit'] as AssistTarget[]).map((target) => {
    const all: Sample[] = demands.map((d, i) => ({ features: features[i]!, label: target === 'category' ? d.category : d.lead }));
    const earlier = all.slice(0, boundary);
    const evaluation = { ...evaluate({ model: train(earlier), majority: mostFrequent(earlier) }, all.slice(boundary)), source: 'demo corpus' };
    const model = train(all);
    model.temperature = evaluation.temperature;
    return { target, model, evaluation, samples: all.length };
  });
  const run = { from, to: now, durationMs: Math.round(performance.now() - started) };
  const stored: TrainedModel[] = [];
  for (const b of built) stored.push(await store(db, { now, trainedBy: null }, b, run));
  return stored;
}
