/**
 * A trained model stored the way retraining stores one (a row of assist_models), from a handful of labelled
 * demands: what a test needs to exercise suggestions without a history of closed tickets behind them.
 */
import { eq, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { assistModels } from '../../db/schema/index.ts';
import type { AssistTarget } from '../../src/contract/assist.ts';
import { demandFeatures, train } from '../../src/domain/assist/classifier.ts';
import { segmenterFor } from '../../src/domain/assist/lexicon.ts';
import { forgetModels } from '../../src/domain/assist/models.ts';

export type Labelled = { content: string; label: number; streetUnitId?: number | null; channel?: string | null };

/** Trains on `samples` (each phrasing repeated so every word passes the minimum count) and stores it as the next version. */
export async function storeModel(db: Db, target: AssistTarget, samples: readonly Labelled[]) {
  const seg = await segmenterFor(db);
  const set = samples.flatMap((s) => {
    const features = demandFeatures(seg, { content: s.content, streetUnitId: s.streetUnitId, channel: s.channel ?? 'phone' });
    return [
      { features, label: s.label },
      { features, label: s.label },
    ];
  });
  const model = train(set, { minCount: 2 });
  model.temperature = 2;
  const [last] = await db
    .select({ v: max(assistModels.version) })
    .from(assistModels)
    .where(eq(assistModels.target, target));
  const [row] = await db
    .insert(assistModels)
    .values({
      target,
      version: (last?.v ?? 0) + 1,
      samples: set.length,
      classes: model.classes.length,
      features: model.vocab.length,
      model: model as unknown as Record<string, unknown>,
    })
    .returning();
  forgetModels();
  return row!;
}

/** Both models from demands labelled with their category and their lead unit: [content, category, unit]. */
export async function storeModels(db: Db, demands: readonly (readonly [string, number, number])[]) {
  const category = await storeModel(
    db,
    'category',
    demands.map(([content, label]) => ({ content, label })),
  );
  const unit = await storeModel(
    db,
    'unit',
    demands.map(([content, , label]) => ({ content, label })),
  );
  return { category, unit };
}
