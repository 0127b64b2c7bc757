import type { Deps } from '../deps.ts';
import type { AssistTarget } from '../contract/assist.ts';
import { assistModels } from '../../db/schema/index.ts';
import { closedTicketCount, MIN_SAMPLES, retrain } from '../domain/assist/training.ts';
import { purgeUnlinkedSuggestions, UNLINKED_SUGGESTION_DAYS } from '../domain/assist/suggestion-retention.ts';
import type { Job } from './schedule.ts';

const DAY_MS = 86_400_000;
/** Closed tickets a first model waits for (a new centre's first days teach nothing useful). */
export const FIRST_MODEL_TICKETS = 4 * MIN_SAMPLES;

/**
 * Suggestions never sent with a ticket past their retention deleted (./suggestion-retention.ts); then the suggestion models retrained on the tickets closed in the last ASSIST_TRAIN_DAYS days, as new versions.
 * Nightly at ASSIST_RETRAIN_CRON (02:23 Asia/Shanghai by default); one instance at a time (training.ts's lease:
 * another instance's run is skipped, not waited for).
 */
export async function runAssistRetrain(deps: Pick<Deps, 'db' | 'config' | 'logger'>, now: Date) {
  const purged = await purgeUnlinkedSuggestions(deps.db, now);
  if (purged) deps.logger.info({ purged }, `assist suggestions never sent with a ticket, older than ${UNLINKED_SUGGESTION_DAYS} days, deleted`);
  // Fewer closed tickets than a first model waits for: a new version would know less than the one in use (the demo
  // city's starter models learned from its corpus; a young centre's first model).
  const from = new Date(now.getTime() - deps.config.ASSIST_TRAIN_DAYS * DAY_MS);
  if ((await closedTicketCount(deps.db, from, now, FIRST_MODEL_TICKETS)) < FIRST_MODEL_TICKETS) {
    deps.logger.info(`assist retraining skipped: fewer than ${FIRST_MODEL_TICKETS} tickets closed in the training window`);
    return null;
  }
  const r = await retrain(deps.db, { now, days: deps.config.ASSIST_TRAIN_DAYS, trainedBy: null });
  if (r.skipped) deps.logger.info('assist retraining skipped: another run holds the lease');
  else deps.logger.info({ models: r.models.map((m) => `${m.target} v${m.version}`), tickets: r.tickets, ms: r.durationMs }, 'assist models retrained');
  return r;
}

/**
 * A first model as soon as there is something to learn from: at start (in the background: the app serves
 * meanwhile) and hourly, a target with no model yet is trained once FIRST_MODEL_TICKETS tickets have closed —
 * e.g. the demo city on its first start. A no-op (two cheap reads) once both targets have a model.
 */
export async function runAssistFirstModel(deps: Pick<Deps, 'db' | 'config' | 'logger'>, now: Date) {
  const have = new Set((await deps.db.selectDistinct({ target: assistModels.target }).from(assistModels)).map((r) => r.target));
  const targets = (['category', 'unit'] as AssistTarget[]).filter((t) => !have.has(t));
  if (!targets.length) return null;
  const from = new Date(now.getTime() - deps.config.ASSIST_TRAIN_DAYS * DAY_MS);
  if ((await closedTicketCount(deps.db, from, now, FIRST_MODEL_TICKETS)) < FIRST_MODEL_TICKETS) return null;
  const r = await retrain(deps.db, { now, days: deps.config.ASSIST_TRAIN_DAYS, trainedBy: null, targets });
  if (r.models.length) deps.logger.info({ models: r.models.map((m) => `${m.target} v${m.version}`), ms: r.durationMs }, 'first assist models trained');
  return r;
}

export const assistRetrainJob: Job = { name: 'assist-retrain', cron: (config) => config.ASSIST_RETRAIN_CRON, run: runAssistRetrain };
export const assistFirstModelJob: Job = { name: 'assist-first-model', cron: '11 * * * *', run: runAssistFirstModel, onStart: true };
