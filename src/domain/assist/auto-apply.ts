/**
 * Where suggestions meet intake and dispatch. Nothing is applied without the operator, except one case an
 * administrator opts into: a ticket whose category is marked for auto-dispatch but whose catalogue rules leave no
 * single unit is dispatched to the unit model's top suggestion when its confidence reaches the administrator's
 * threshold (assist_settings autoDispatchThreshold; off by default). The dispatch says so — its note and event
 * payload name the model version and the confidence — and the suggestion row is marked appliedAutomatically.
 * What the operator finally chose is recorded in choices.ts.
 */
import type { AssistChoice } from '../../contract/assist.ts';
import type { Deps } from '../../deps.ts';
import type { References } from '../reference.ts';
import type { AutoDispatchPlan } from '../routing/auto-dispatch.ts';
import { assignableUnits } from '../tickets/commands/dispatch.ts';
import type { TicketRow } from '../tickets/queries.ts';
import { demandFeatures } from './classifier.ts';
import { LEXICON_RECHECK_MS, segmenterFor } from './lexicon.ts';
import { modelFor } from './models.ts';
import { assistSettings } from './settings.ts';

export type ModelDispatch = {
  plan: AutoDispatchPlan;
  modelId: number;
  version: number;
  confidence: number;
  /** The model's top 3 units, as a suggestion shows them */
  units: AssistChoice[];
};

/**
 * The unit model's dispatch for a ticket about to be logged, when the administrator's threshold allows it, or
 * null. Call it only when the catalogue's own auto-dispatch found no single unit. Never throws (as
 * autoDispatchPlan): any problem leaves the ticket to a dispatcher.
 */
export async function modelDispatchPlan(deps: Pick<Deps, 'db' | 'logger'>, ticket: TicketRow, refs: References): Promise<ModelDispatch | null> {
  try {
    if (!refs.categories.get(ticket.categoryId)?.autoDispatch) return null;
    const settings = await assistSettings(deps.db);
    const threshold = settings.autoDispatchThreshold;
    if (!settings.enabled || threshold === null) return null;
    const m = await modelFor(deps.db, 'unit');
    if (!m) return null;
    const seg = await segmenterFor(deps.db, { recheckMs: LEXICON_RECHECK_MS });
    const ranked = m.predictor.predict(demandFeatures(seg, ticket), 3);
    const top = ranked[0];
    if (!top || top.confidence < threshold) return null;
    await assignableUnits(deps.db, [top.label], refs);
    const confidence = Math.round(top.confidence * 1000) / 1000;
    return {
      plan: {
        leadUnitId: top.label,
        assistUnitIds: [],
        designate: false,
        note: `自动派单：智能派单模型 v${m.version}，置信度 ${(confidence * 100).toFixed(1)}%（阈值 ${(threshold * 100).toFixed(0)}%）`,
        auto: { copyUnitIds: [], model: { version: m.version, confidence, threshold } },
      },
      modelId: m.id,
      version: m.version,
      confidence,
      units: ranked.map((r) => ({ id: r.label, name: refs.units.get(r.label)?.name ?? String(r.label), confidence: r.confidence, words: r.words })),
    };
  } catch (err) {
    deps.logger.warn({ err, categoryId: ticket.categoryId }, 'assist auto-dispatch skipped');
    return null;
  }
}
