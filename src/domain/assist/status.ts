/**
 * What the web app and the administrator see of assisted intake: whether it is on, whether a language model is
 * configured, the models in use (status), every stored version with its figures (models), and starting a
 * retraining by hand (in the background: a model of a million tickets takes minutes).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistModels as m } from '../../../db/schema/index.ts';
import type { AssistTarget } from '../../contract/assist.ts';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { ConflictError, UnprocessableError } from '../errors.ts';
import { assistSettings } from './settings.ts';
import { closedTicketCount, MIN_SAMPLES, retrain, retrainingUnderWay, takeRetrainLease } from './training.ts';

export type ModelSummary = { version: number; trainedAt: string; samples: number };
export type AssistStatus = { enabled: boolean; llm: boolean; models: Record<AssistTarget, ModelSummary | null> };

const DAY_MS = 86_400_000;

async function newest(db: Db, target: AssistTarget): Promise<ModelSummary | null> {
  const [row] = await db
    .select({ version: m.version, trainedAt: m.trainedAt, samples: m.samples })
    .from(m)
    .where(eq(m.target, target))
    .orderBy(desc(m.version))
    .limit(1);
  return row ? { version: row.version, trainedAt: row.trainedAt.toISOString(), samples: row.samples } : null;
}

/** For any signed-in staff: the web app shows or hides assisted intake by it. */
export async function assistStatus(deps: Pick<Deps, 'db' | 'config'>): Promise<AssistStatus> {
  const [settings, category, unit] = await Promise.all([assistSettings(deps.db), newest(deps.db, 'category'), newest(deps.db, 'unit')]);
  return { enabled: settings.enabled, llm: !!deps.config.LLM_BASE_URL, models: { category, unit } };
}

/** Every stored version, newest first (without the weights), and the retraining under way if any. */
export async function listModels(deps: Pick<Deps, 'db' | 'clock'>) {
  const items = await deps.db
    .select({
      id: m.id,
      target: m.target,
      version: m.version,
      trainedAt: m.trainedAt,
      trainedFrom: m.trainedFrom,
      trainedTo: m.trainedTo,
      samples: m.samples,
      classes: m.classes,
      features: m.features,
      evaluation: m.evaluation,
      durationMs: m.durationMs,
      trainedBy: m.trainedBy,
      pruned: sql<boolean>`${m.model}->>'format' = 'pruned'`.mapWith(Boolean),
    })
    .from(m)
    .orderBy(desc(m.trainedAt), desc(m.id))
    .limit(200);
  return { items, retraining: await retrainingUnderWay(deps.db, deps.clock.now()) };
}

/**
 * The administrator's retraining: refused when one is under way (409) or there is too little to learn from
 * (422); otherwise started in the background with the lease already held (202). The result is audited and shows
 * in the model list.
 */
export async function startRetrain(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'logger'>, actor: Actor): Promise<{ started: true }> {
  const now = deps.clock.now();
  const days = deps.config.ASSIST_TRAIN_DAYS;
  const n = await closedTicketCount(deps.db, new Date(now.getTime() - days * DAY_MS), now, MIN_SAMPLES);
  if (n < MIN_SAMPLES) throw new UnprocessableError('assist_too_few_tickets', { min: MIN_SAMPLES, days });
  if (!(await takeRetrainLease(deps.db, now, actor.userId))) throw new ConflictError('assist_retrain_running');
  void retrain(deps.db, { now, days, trainedBy: actor.userId, actor, leased: true }).then(
    (r) => deps.logger.info({ models: r.models.map((x) => `${x.target} v${x.version}`), ms: r.durationMs }, 'assist models retrained by an administrator'),
    (err) => deps.logger.error({ err }, 'assist retraining failed'),
  );
  return { started: true };
}

/** The models of one target by version (tests and the bench). */
export async function modelVersions(db: Db, target: AssistTarget): Promise<number[]> {
  const rows = await db
    .select({ v: m.version })
    .from(m)
    .where(and(eq(m.target, target)))
    .orderBy(m.version);
  return rows.map((r) => r.v);
}
