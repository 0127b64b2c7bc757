/**
 * What the scheduled jobs run for assisted intake (src/jobs/assist-retrain.ts only schedules them): the nightly
 * retraining, which first deletes the suggestions never sent with a ticket past their retention, and a target's
 * first model as soon as there is something to learn from. Both take the time they run at; tests pass a fixed one.
 */
import type { Db } from '../../../db/client.ts';
import { assistModels } from '../../../db/schema/index.ts';
import { ASSIST_TARGETS } from '../../contract/assist.ts';
import type { Deps } from '../../deps.ts';
import { purgeUnlinkedSuggestions, UNLINKED_SUGGESTION_DAYS } from './suggestion-retention.ts';
import { closedTicketCount, MIN_SAMPLES, retrain } from './training.ts';

const DAY_MS = 86_400_000;
/** Closed tickets a first model waits for (a new centre's first days teach nothing useful). */
export const FIRST_MODEL_TICKETS = 4 * MIN_SAMPLES;

type ScheduledDeps = Pick<Deps, 'db' | 'config' | 'logger'>;

/** Whether FIRST_MODEL_TICKETS tickets closed in the training window ending `now`. */
async function enoughClosed(deps: ScheduledDeps, now: Date): Promise<boolean> {
  const from = new Date(now.getTime() - deps.config.ASSIST_TRAIN_DAYS * DAY_MS);
  return (await closedTicketCount(deps.db, from, now, FIRST_MODEL_TICKETS)) >= FIRST_MODEL_TICKETS;
}

/**
 * Nightly: suggestions never sent with a ticket past their retention deleted (suggestion-retention.ts); then both
 * models retrained on the tickets closed in the last ASSIST_TRAIN_DAYS days, as new versions — unless fewer than
 * FIRST_MODEL_TICKETS closed in that window (a new version would know less than the one in use: the demo city's
 * starter models learned from its corpus, a young centre's first model). One instance at a time (training.ts's
 * lease: another instance's run is skipped, not waited for).
 */
export async function retrainNightly(deps: ScheduledDeps, now: Date) {
  const purged = await purgeUnlinkedSuggestions(deps.db, now);
  if (purged) deps.logger.info({ purged }, `assist suggestions never sent with a ticket, older than ${UNLINKED_SUGGESTION_DAYS} days, deleted`);
  if (!(await enoughClosed(deps, now))) {
    deps.logger.info(`assist retraining skipped: fewer than ${FIRST_MODEL_TICKETS} tickets closed in the training window`);
    return null;
  }
  const r = await retrain(deps.db, { now, days: deps.config.ASSIST_TRAIN_DAYS, trainedBy: null });
  if (r.skipped) deps.logger.info('assist retraining skipped: another run holds the lease');
  else deps.logger.info({ models: r.models.map((m) => `${m.target} v${m.version}`), tickets: r.tickets, ms: r.durationMs }, 'assist models retrained');
  return r;
}

/** The targets that have no stored model yet. */
async function untrainedTargets(db: Db) {
  const have = new Set((await db.selectDistinct({ target: assistModels.target }).from(assistModels)).map((r) => r.target));
  return ASSIST_TARGETS.filter((t) => !have.has(t));
}

/**
 * A first model as soon as there is something to learn from: a target with no model yet is trained once
 * FIRST_MODEL_TICKETS tickets have closed (the demo city on its first start, a new centre after its first weeks).
 * A no-op (two cheap reads) once both targets have a model.
 */
export async function trainFirstModels(deps: ScheduledDeps, now: Date) {
  const targets = await untrainedTargets(deps.db);
  if (!targets.length || !(await enoughClosed(deps, now))) return null;
  const r = await retrain(deps.db, { now, days: deps.config.ASSIST_TRAIN_DAYS, trainedBy: null, targets });
  if (r.models.length) deps.logger.info({ models: r.models.map((m) => `${m.target} v${m.version}`), ms: r.durationMs }, 'first assist models trained');
  return r;
}
