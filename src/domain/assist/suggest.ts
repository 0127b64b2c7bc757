/**
 * Suggestions at intake (智能分类 / 智能派单): the top 3 categories and units for the demand the operator is typing,
 * each with its confidence and the words that weighed most, recorded so that what the operator finally chooses
 * can be set beside it. Advice only: nothing here touches a ticket.
 *
 * Fast by construction (a suggestion within 30 ms at the 95th percentile with the model loaded): the models are
 * held in memory (models.ts), a prediction is microseconds, the switch and the centre's words are checked at most
 * every few seconds (settings.ts, lexicon.ts), and the request costs two short statements — the names of the few classes ranked first (so a category or unit retired since training is
 * skipped and the next one taken), and the one-row insert. The demand's text is neither stored nor logged: the row
 * keeps the suggested ids, names, confidences and weighed words only.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client.ts';
import { assistSuggestions, categories, units } from '../../../db/schema/index.ts';
import type { AssistChoice, AssistSuggestion } from '../../contract/assist.ts';
import { CHANNELS } from '../../contract/vocab.ts';
import type { Actor } from '../auth/actor.ts';
import { placeFromAddress } from '../routing/locate.ts';
import { demandFeatures, type Ranked } from './classifier.ts';
import { LEXICON_RECHECK_MS, segmenterFor } from './lexicon.ts';
import { type LoadedModel, modelFor } from './models.ts';
import { assistSettings } from './settings.ts';

export const suggestInput = z
  .object({
    title: z.string().trim().max(100).optional(),
    content: z.string().trim().min(2).max(4000),
    channel: z.enum(CHANNELS).optional(),
    streetUnitId: z.number().int().positive().max(2_147_483_647).optional(),
    /** Read for its street when no street is given (the same address matching intake uses) */
    address: z.string().trim().max(200).optional(),
  })
  .strict();
export type SuggestInput = z.infer<typeof suggestInput>;

/** How many suggestions of each kind are shown, and how far down the ranking a retired class may push them. */
export const TOP = 3;
const CANDIDATES = 10;

const NONE: AssistSuggestion = { id: null, categories: [], units: [], models: { category: null, unit: null } };

/** Confidences cut (not rounded) to 3 decimals: the shown figures never add up to more than the model's. */
const cut = (x: number) => Math.floor(x * 1000) / 1000;

/** The ranked classes that still exist and may be chosen, in order, at most TOP, with their names. */
function named(ranked: Ranked[], names: Map<number, string>): AssistChoice[] {
  const out: AssistChoice[] = [];
  for (const r of ranked) {
    const name = names.get(r.label);
    if (name === undefined) continue;
    out.push({ id: r.label, name, confidence: cut(r.confidence), words: r.words });
    if (out.length === TOP) break;
  }
  return out;
}

/** Names of the candidates that are active leaf categories and active units. */
async function namesOf(db: Db, categoryIds: number[], unitIds: number[]) {
  const [cats, us] = await Promise.all([
    categoryIds.length
      ? db
          .select({ id: categories.id, name: categories.name })
          .from(categories)
          .where(
            and(
              inArray(categories.id, categoryIds),
              eq(categories.active, true),
              sql`not exists (select 1 from ${categories} c where c.parent_id = ${categories.id} and c.active)`,
            ),
          )
      : [],
    unitIds.length
      ? db
          .select({ id: units.id, name: units.name })
          .from(units)
          .where(and(inArray(units.id, unitIds), eq(units.active, true)))
      : [],
  ]);
  return { categories: new Map(cats.map((c) => [c.id, c.name])), units: new Map(us.map((u) => [u.id, u.name])) };
}

/** The channel the actor takes demands through, as intake records it (a window clerk's window, else the phone). */
const channelOf = (actor: Actor) => (actor.role === 'window_clerk' ? 'window' : 'phone');

const rank = (m: LoadedModel | null, features: string[]) => (m ? m.predictor.predict(features, CANDIDATES) : []);

/**
 * The suggestions for a demand, recorded under the returned id (null: switched off, or no model trained yet).
 * `db` is the primary: the row is written here.
 */
export async function suggest(db: Db, actor: Actor, input: SuggestInput): Promise<AssistSuggestion> {
  const [settings, categoryModel, unitModel] = await Promise.all([assistSettings(db), modelFor(db, 'category'), modelFor(db, 'unit')]);
  if (!settings.enabled || (!categoryModel && !unitModel)) return NONE;
  const seg = await segmenterFor(db, { recheckMs: LEXICON_RECHECK_MS });

  let streetUnitId = input.streetUnitId ?? null;
  if (!streetUnitId && input.address) streetUnitId = (await placeFromAddress(db, input.address)).street?.id ?? null;
  const features = demandFeatures(seg, { title: input.title, content: input.content, streetUnitId, channel: input.channel ?? channelOf(actor) });
  const rankedCategories = rank(categoryModel, features);
  const rankedUnits = rank(unitModel, features);
  const names = await namesOf(
    db,
    rankedCategories.map((r) => r.label),
    rankedUnits.map((r) => r.label),
  );
  const chosen = { categories: named(rankedCategories, names.categories), units: named(rankedUnits, names.units) };
  const [row] = await db
    .insert(assistSuggestions)
    .values({ userId: actor.userId, categoryModelId: categoryModel?.id ?? null, unitModelId: unitModel?.id ?? null, ...chosen })
    .returning({ id: assistSuggestions.id });
  return { id: row!.id, ...chosen, models: { category: categoryModel?.version ?? null, unit: unitModel?.version ?? null } };
}
