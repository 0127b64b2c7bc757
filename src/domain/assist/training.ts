/**
 * Training the suggestion models from the centre's own closed tickets (智能分类 / 智能派单): demand text, street and
 * channel → final category and final lead unit. One pass over the tickets closed in the last `days`, oldest first,
 * in keyset batches of a few columns (a ticket's features are kept, never its row), counts both targets at once
 * (accumulate.ts). The most recent ~10 % (at most HELD_MAX) are held out: the model of the earlier tickets is fitted
 * to them (the temperature) and measured on them (top-1 / top-3, beside the most-frequent-class baseline); then the
 * model of all is stored as the target's next version.
 *
 * Versions: every run adds a row per target (version = previous + 1); every row stays (its figures are the
 * history the admin screen shows, and suggestions refer to it), but the weights of all but the newest KEEP_VERSIONS
 * per target are dropped (`model` becomes {format: 'pruned'}) — a model of a million tickets is tens of megabytes.
 *
 * One run at a time across instances: a lease (assist_settings 'retraining', taken under a transaction-scoped
 * advisory lock, released at the end, expiring after LEASE_HOURS if the process died) — no transaction stays open
 * while the tickets are read and counted.
 */
import { and, asc, count, eq, gte, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistModels, assistSettings, tickets } from '../../../db/schema/index.ts';
import type { AssistTarget } from '../../contract/assist.ts';
import { audit } from '../audit.ts';
import { type Actor, systemActor } from '../auth/actor.ts';
import { rowsOf } from '../tickets/queries.ts';
import { accuracy, demandFeatures, FeatureIds, fitTemperature, NbAccumulator, type NbModel, Predictor, type Sample } from './classifier.ts';
import { segmenterFor } from './lexicon.ts';

/** pg advisory lock key guarding the retraining lease and version numbers ("jiesu assist retrain"). */
export const RETRAIN_LOCK_KEY = 7212361;
/** assist_settings key of the lease: {startedAt, until, by} while a run is under way. */
export const RETRAIN_LEASE_KEY = 'retraining';
/** Versions per target whose weights are kept (the newest is the one in use). */
export const KEEP_VERSIONS = 5;
/** Fewer labelled tickets (or fewer than two classes) than this: the target is not trained. */
export const MIN_SAMPLES = 50;
/** The audit action of a stored model. */
export const TRAINED_AUDIT_ACTION = 'assist_model_trained';
const HELD_SHARE = 0.1;
const HELD_MAX = 50_000;
const LEASE_HOURS = 6;
const DAY_MS = 86_400_000;

/** One closed ticket as training sees it: its features and its two labels (no lead unit: null). */
export type TrainingSample = { id: number; closedAt: Date; features: string[]; category: number; unit: number | null };

type SampleRow = {
  id: number;
  closedAt: Date | null;
  categoryId: number;
  title: string;
  content: string;
  streetUnitId: number | null;
  channel: string;
  lead: number | null;
};

/** The lead unit that stood at close: the newest top-level lead assignment not returned. */
const finalLead = sql<number | null>`(select a.unit_id from assignments a where a.ticket_id = tickets.id and a.role = 'lead'
  and a.parent_id is null and a.status <> 'returned' order by a.dispatched_at desc, a.id desc limit 1)`.mapWith((v) => (v == null ? null : Number(v)));

const closedIn = (from: Date, to: Date) => and(eq(tickets.status, 'closed'), gte(tickets.closedAt, from), lt(tickets.closedAt, to));

/**
 * The tickets closed in [from, to), oldest first, in batches of `batch` (keyset on closed_at, id; the batch's rows
 * are dropped once their features are taken), cut with the centre's words as they are when the read starts (as a
 * suggestion cuts them). Also what the bench and the evaluation read.
 */
export async function* trainingSamples(db: Db, opts: { from: Date; to: Date; batch?: number }): AsyncGenerator<TrainingSample[]> {
  const batch = opts.batch ?? 2000;
  const seg = await segmenterFor(db);
  let after: { closedAt: Date; id: number } | null = null;
  for (;;) {
    const rows: SampleRow[] = await db
      .select({
        id: tickets.id,
        closedAt: tickets.closedAt,
        categoryId: tickets.categoryId,
        title: tickets.title,
        content: tickets.content,
        streetUnitId: tickets.streetUnitId,
        channel: tickets.channel,
        lead: finalLead,
      })
      .from(tickets)
      .where(
        and(
          closedIn(opts.from, opts.to),
          after ? sql`(${tickets.closedAt}, ${tickets.id}) > (${after.closedAt.toISOString()}::timestamptz, ${after.id})` : undefined,
        ),
      )
      .orderBy(asc(tickets.closedAt), asc(tickets.id))
      .limit(batch);
    if (!rows.length) return;
    yield rows.map((r) => ({ id: r.id, closedAt: r.closedAt!, features: demandFeatures(seg, r), category: r.categoryId, unit: r.lead }));
    const last = rows[rows.length - 1]!;
    after = { closedAt: last.closedAt!, id: last.id };
    if (rows.length < batch) return;
  }
}

/** How many tickets closed in [from, to) (up to `limit` when given: "are there enough?"). */
export async function closedTicketCount(db: Db, from: Date, to: Date, limit?: number): Promise<number> {
  if (limit !== undefined) {
    const r = rowsOf<{ n: number | string }>(
      await db.execute(sql`select count(*) as n from (select 1 from ${tickets} where ${closedIn(from, to)} limit ${limit}) x`),
    );
    return Number(r[0]?.n ?? 0);
  }
  const [r] = await db.select({ n: count() }).from(tickets).where(closedIn(from, to));
  return Number(r?.n ?? 0);
}

export type RetrainOptions = {
  now: Date;
  days: number;
  /** Who asked (null: the scheduled job) */
  trainedBy: number | null;
  targets?: AssistTarget[];
  /** The actor of the audit row (the admin's request, with address); the system when not given */
  actor?: Actor;
  batch?: number;
  /** The lease is already held (startRetrain took it) */
  leased?: boolean;
};

export type TrainedModel = {
  id: number;
  target: AssistTarget;
  version: number;
  samples: number;
  classes: number;
  features: number;
  evaluation: Evaluation;
};
/** `source`: where the samples came from when not the centre's closed tickets (the demo's starter models: 'demo corpus') */
export type Evaluation = { heldOut: number; top1?: number; top3?: number; majorityTop1?: number; temperature: number; source?: string };
export type RetrainResult = {
  /** 'running': another run held the lease; nothing was trained */
  skipped: 'running' | null;
  models: TrainedModel[];
  /** Targets with too few labelled tickets (or one class only): not trained */
  tooFew: AssistTarget[];
  tickets: number;
  durationMs: number;
};

/** Takes the retraining lease; false when another run holds it. */
export async function takeRetrainLease(db: Db, now: Date, by: number | null): Promise<boolean> {
  return db.transaction(async (tx) => {
    const got = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${RETRAIN_LOCK_KEY}) as ok`));
    if (got[0]?.ok !== true) return false;
    const [row] = await tx.select().from(assistSettings).where(eq(assistSettings.key, RETRAIN_LEASE_KEY));
    const held = row?.value as { until?: string } | undefined;
    if (held?.until && new Date(held.until) > now) return false;
    const value = { startedAt: now.toISOString(), until: new Date(now.getTime() + LEASE_HOURS * 3_600_000).toISOString(), by };
    await tx
      .insert(assistSettings)
      .values({ key: RETRAIN_LEASE_KEY, value, updatedBy: by, updatedAt: now })
      .onConflictDoUpdate({ target: assistSettings.key, set: { value, updatedBy: by, updatedAt: now } });
    return true;
  });
}

export async function releaseRetrainLease(db: Db): Promise<void> {
  await db.delete(assistSettings).where(eq(assistSettings.key, RETRAIN_LEASE_KEY));
}

/** The run under way, if any: when it started and who asked. */
export async function retrainingUnderWay(db: Db, now: Date): Promise<{ startedAt: string; by: number | null } | null> {
  const [row] = await db.select().from(assistSettings).where(eq(assistSettings.key, RETRAIN_LEASE_KEY));
  const v = row?.value as { startedAt: string; until: string; by: number | null } | undefined;
  return v && new Date(v.until) > now ? { startedAt: v.startedAt, by: v.by } : null;
}

/** Retrain the targets (both by default) on the tickets closed in the last `days`, and store a new version of each. */
export async function retrain(db: Db, opts: RetrainOptions): Promise<RetrainResult> {
  const started = performance.now();
  if (!opts.leased && !(await takeRetrainLease(db, opts.now, opts.trainedBy))) {
    return { skipped: 'running', models: [], tooFew: [], tickets: 0, durationMs: 0 };
  }
  try {
    return await trainAndStore(db, opts, started);
  } finally {
    await releaseRetrainLease(db);
  }
}

/** A model trained without the held-out samples, and its most frequent class (the baseline). */
export type Early = { model: NbModel; majority: number | null };
type Held = { f: Int32Array; category: number; unit: number | null };

async function trainAndStore(db: Db, opts: RetrainOptions, started: number): Promise<RetrainResult> {
  const targets = opts.targets ?? ['category', 'unit'];
  const to = opts.now;
  const from = new Date(to.getTime() - opts.days * DAY_MS);
  const n = await closedTicketCount(db, from, to);
  const heldN = Math.min(Math.round(n * HELD_SHARE), HELD_MAX);
  const boundary = n - heldN;
  const ids = new FeatureIds();
  const acc: Record<AssistTarget, NbAccumulator> = { category: new NbAccumulator(), unit: new NbAccumulator() };
  const early: Partial<Record<AssistTarget, Early>> = {};
  const snapshot = () => {
    for (const t of targets) early[t] ??= { model: acc[t].model(ids), majority: acc[t].majority().label };
  };
  const held: Held[] = [];
  let i = 0;
  for await (const batch of trainingSamples(db, { from, to, batch: opts.batch })) {
    for (const s of batch) {
      if (i === boundary) snapshot();
      const f = ids.of(s.features);
      if (i >= boundary) held.push({ f, category: s.category, unit: s.unit });
      acc.category.add(f, s.category);
      if (s.unit !== null) acc.unit.add(f, s.unit);
      i++;
    }
    // a run shares its process with the app: let requests in between batches
    await new Promise((resolve) => setImmediate(resolve));
  }
  snapshot();
  const built: { target: AssistTarget; model: NbModel; evaluation: Evaluation; samples: number }[] = [];
  const tooFew: AssistTarget[] = [];
  for (const t of targets) {
    const a = acc[t];
    if (a.samples < MIN_SAMPLES || a.classes < 2) {
      tooFew.push(t);
      continue;
    }
    const heldSamples: Sample[] = held
      .filter((h) => t === 'category' || h.unit !== null)
      .map((h) => ({ features: ids.namesOf(h.f), label: t === 'category' ? h.category : h.unit! }));
    const evaluation = evaluate(early[t], heldSamples);
    const model = a.model(ids);
    model.temperature = evaluation.temperature;
    built.push({ target: t, model, evaluation, samples: a.samples });
  }
  const durationMs = Math.round(performance.now() - started);
  const models: TrainedModel[] = [];
  for (const b of built) models.push(await store(db, opts, b, { from, to, durationMs }));
  return { skipped: null, models, tooFew, tickets: i, durationMs };
}

/** The earlier tickets' model measured on the held-out ones, and the temperature fitted there. */
export function evaluate(early: Early | undefined, held: Sample[]): Evaluation {
  if (!early || !held.length || early.model.classes.length < 2) return { heldOut: 0, temperature: 1 };
  const p = new Predictor(early.model);
  const temperature = fitTemperature(p, held);
  const a = accuracy(p, held);
  const majorityTop1 = held.filter((s) => s.label === early.majority).length / held.length;
  return { heldOut: a.n, top1: a.top1, top3: a.top3, majorityTop1, temperature };
}

/** Stores a trained model as the next version of its target (older versions' weights pruned past KEEP_VERSIONS), audited. */
export async function store(
  db: Db,
  opts: Pick<RetrainOptions, 'now' | 'trainedBy' | 'actor'>,
  b: { target: AssistTarget; model: NbModel; evaluation: Evaluation; samples: number },
  run: { from: Date; to: Date; durationMs: number },
): Promise<TrainedModel> {
  return db.transaction(async (tx) => {
    // version numbers in turn across instances (the unique index would refuse a repeat anyway)
    await tx.execute(sql`select pg_advisory_xact_lock(${RETRAIN_LOCK_KEY})`);
    const [prev] = await tx
      .select({ v: max(assistModels.version) })
      .from(assistModels)
      .where(eq(assistModels.target, b.target));
    const version = (prev?.v ?? 0) + 1;
    const [row] = await tx
      .insert(assistModels)
      .values({
        target: b.target,
        version,
        trainedAt: opts.now,
        trainedFrom: run.from,
        trainedTo: run.to,
        samples: b.samples,
        classes: b.model.classes.length,
        features: b.model.vocab.length,
        model: b.model as unknown as Record<string, unknown>,
        evaluation: b.evaluation,
        durationMs: run.durationMs,
        trainedBy: opts.trainedBy,
      })
      .returning({ id: assistModels.id });
    // older versions keep their row and figures, not their weights
    await tx
      .update(assistModels)
      .set({ model: { format: 'pruned' } })
      .where(and(eq(assistModels.target, b.target), lt(assistModels.version, version - KEEP_VERSIONS + 1), sql`${assistModels.model}->>'format' <> 'pruned'`));
    const m: TrainedModel = {
      id: row!.id,
      target: b.target,
      version,
      samples: b.samples,
      classes: b.model.classes.length,
      features: b.model.vocab.length,
      evaluation: b.evaluation,
    };
    const { id, ...details } = m;
    await audit(tx, opts.actor ?? systemActor('admin'), TRAINED_AUDIT_ACTION, { type: 'assist_model', id }, { ...details, durationMs: run.durationMs });
    return m;
  });
}
