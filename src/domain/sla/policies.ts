/** SLA policies in the database: matching a ticket, admin commands, and applying a preset. */
import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, slaPolicies } from '../../../db/schema/index.ts';
import type { DbDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors.ts';
import { categoryPath } from '../tickets/queries.ts';
import type { Channel, Urgency } from '../vocab.ts';
import { policyInput, type PolicyInput } from './inputs.ts';
import { pickPolicy } from './matching.ts';
import type { References } from '../reference.ts';
import { PRESETS, findPreset, resolveCategories, type Preset } from './presets.ts';

export type PolicyRow = typeof slaPolicies.$inferSelect;

/**
 * The policy that governs a ticket now (the most specific active one), or null when none fits. `refs`: the
 * command's copy of the reference data (categories, active policies), read instead of the tables when given.
 */
export async function matchPolicy(db: Db, t: { categoryId: number; urgency: Urgency; channel: Channel }, refs?: References): Promise<PolicyRow | null> {
  const path = (await categoryPath(db, t.categoryId, refs)).map((c) => c.id);
  if (refs) {
    // The same filter as the query below, over the cached active policies.
    const fits = refs.policies.filter(
      (p) =>
        (p.categoryId === null || path.includes(p.categoryId)) &&
        (p.urgency === null || p.urgency === t.urgency) &&
        (p.channel === null || p.channel === t.channel),
    );
    return pickPolicy(fits, { categoryPath: path, urgency: t.urgency, channel: t.channel });
  }
  const candidates = await db
    .select()
    .from(slaPolicies)
    .where(
      and(
        eq(slaPolicies.active, true),
        path.length ? or(isNull(slaPolicies.categoryId), inArray(slaPolicies.categoryId, path)) : isNull(slaPolicies.categoryId),
        or(isNull(slaPolicies.urgency), eq(slaPolicies.urgency, t.urgency)),
        or(isNull(slaPolicies.channel), eq(slaPolicies.channel, t.channel)),
      ),
    );
  return pickPolicy(candidates, { categoryPath: path, urgency: t.urgency, channel: t.channel });
}

export async function policyById(db: Db, id: number | null): Promise<PolicyRow | null> {
  if (id === null) return null;
  const [p] = await db.select().from(slaPolicies).where(eq(slaPolicies.id, id));
  return p ?? null;
}

export function presentPolicy(p: PolicyRow) {
  return {
    id: p.id,
    name: p.name,
    categoryId: p.categoryId,
    urgency: p.urgency,
    channel: p.channel,
    sign: { amount: p.signLimit, unit: p.signUnit },
    response: { amount: p.responseLimit, unit: p.responseUnit },
    complete: { amount: p.completeLimit, unit: p.completeUnit },
    counting: { startNextWorkingDay: p.counting.startNextWorkingDay ?? !p.counting.inclusive },
    thresholds: p.thresholds,
    reopenRestartsClock: p.reopenRestartsClock,
    preset: p.preset,
    active: p.active,
    createdAt: p.createdAt.toISOString(),
  };
}

export async function listPolicies(db: Db, opts: { all?: boolean } = {}): Promise<PolicyRow[]> {
  return db
    .select()
    .from(slaPolicies)
    .where(opts.all ? undefined : eq(slaPolicies.active, true))
    .orderBy(asc(slaPolicies.id));
}

function columns(input: PolicyInput, preset: string | null) {
  return {
    name: input.name,
    categoryId: input.categoryId,
    urgency: input.urgency,
    channel: input.channel,
    signLimit: input.sign.amount,
    signUnit: input.sign.unit,
    responseLimit: input.response.amount,
    responseUnit: input.response.unit,
    completeLimit: input.complete.amount,
    completeUnit: input.complete.unit,
    counting: { startNextWorkingDay: input.counting.startNextWorkingDay },
    thresholds: { yellow: input.thresholds.yellow, red: input.thresholds.red },
    reopenRestartsClock: input.reopenRestartsClock,
    preset,
  };
}

/** Policy writes take one transaction-scoped lock, so the "one active policy per key" check cannot race. */
async function lockPolicies(tx: Db) {
  await tx.execute(sql`select pg_advisory_xact_lock(7212346)`);
}

async function checkKey(tx: Db, input: PolicyInput, exceptId?: number) {
  if (input.categoryId !== null) {
    const [c] = await tx
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.id, input.categoryId), eq(categories.active, true)));
    if (!c) throw new UnprocessableError('sla_category_unknown', { categoryId: input.categoryId });
  }
  const same: SQL[] = [
    eq(slaPolicies.active, true),
    input.categoryId === null ? isNull(slaPolicies.categoryId) : eq(slaPolicies.categoryId, input.categoryId),
    input.urgency === null ? isNull(slaPolicies.urgency) : eq(slaPolicies.urgency, input.urgency),
    input.channel === null ? isNull(slaPolicies.channel) : eq(slaPolicies.channel, input.channel),
  ];
  if (exceptId !== undefined) same.push(sql`${slaPolicies.id} <> ${exceptId}`);
  const [dup] = await tx
    .select({ id: slaPolicies.id })
    .from(slaPolicies)
    .where(and(...same));
  if (dup) throw new ConflictError('sla_policy_duplicate', { id: dup.id }, { existingPolicyId: dup.id });
}

export async function createPolicy(deps: DbDeps, actor: Actor, input: PolicyInput): Promise<PolicyRow> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await lockPolicies(tx);
    await checkKey(tx, input);
    const [row] = await tx.insert(slaPolicies).values(columns(input, null)).returning();
    await audit(tx, actor, 'sla_policy_create', { type: 'sla_policy', id: row!.id }, { policy: presentPolicy(row!) });
    return row!;
  });
}

/** Replaces a policy's terms. Deadlines already stored on assignments keep the terms they were computed with. */
export async function updatePolicy(deps: DbDeps, actor: Actor, id: number, input: PolicyInput): Promise<PolicyRow> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await lockPolicies(tx);
    const [before] = await tx
      .select()
      .from(slaPolicies)
      .where(and(eq(slaPolicies.id, id), eq(slaPolicies.active, true)))
      .for('update');
    if (!before) throw new NotFoundError('sla_policy_not_found', { id });
    await checkKey(tx, input, id);
    const [row] = await tx.update(slaPolicies).set(columns(input, before.preset)).where(eq(slaPolicies.id, id)).returning();
    await audit(tx, actor, 'sla_policy_update', { type: 'sla_policy', id }, { before: presentPolicy(before), after: presentPolicy(row!) });
    return row!;
  });
}

/**
 * Deactivates a policy (the row stays: assignments name the policy their deadlines came from, and a
 * reopen restarts the completion clock under those same terms).
 */
export async function deactivatePolicy(deps: DbDeps, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await lockPolicies(tx);
    const [row] = await tx
      .update(slaPolicies)
      .set({ active: false })
      .where(and(eq(slaPolicies.id, id), eq(slaPolicies.active, true)))
      .returning();
    if (!row) throw new NotFoundError('sla_policy_not_found', { id });
    await audit(tx, actor, 'sla_policy_deactivate', { type: 'sla_policy', id }, { policy: presentPolicy(row) });
  });
}

// ---------------------------------------------------------------- presets

export type PresetPlan = { rows: PolicyInput[]; unmatched: { rule: string; keywords: readonly string[] }[] };

/** A preset's rules as concrete policies for this centre's category tree. */
export async function planPreset(db: Db, preset: Preset): Promise<PresetPlan> {
  const cats = await db.select({ id: categories.id, name: categories.name, parentId: categories.parentId }).from(categories).where(eq(categories.active, true));
  const rows: PolicyInput[] = [];
  const unmatched: PresetPlan['unmatched'] = [];
  for (const rule of preset.rules) {
    const { name, categories: keywords, urgency, channel, note: _note, ...terms } = rule;
    const base = { name, urgency: urgency ?? null, channel: channel ?? null, ...terms };
    if (!keywords) {
      rows.push(policyInput.parse({ ...base, categoryId: null }));
      continue;
    }
    const hits = resolveCategories(cats, keywords);
    if (hits.length === 0) unmatched.push({ rule: name, keywords });
    for (const c of hits) rows.push(policyInput.parse({ ...base, name: `${name}·${c.name}`, categoryId: c.id }));
  }
  return { rows, unmatched };
}

/**
 * Replaces the active policies with a preset's, in the caller's transaction: the old ones are
 * deactivated (kept for the assignments that name them), the preset's inserted.
 */
export async function installPreset(tx: Db, preset: Preset) {
  await lockPolicies(tx);
  const plan = await planPreset(tx, preset);
  const deactivated = await tx.update(slaPolicies).set({ active: false }).where(eq(slaPolicies.active, true)).returning({ id: slaPolicies.id });
  const created = plan.rows.length
    ? await tx
        .insert(slaPolicies)
        .values(plan.rows.map((r) => columns(r, preset.name)))
        .returning()
    : [];
  return { deactivated: deactivated.map((d) => d.id), created, unmatched: plan.unmatched };
}

export async function applyPreset(deps: DbDeps, actor: Actor, name: string) {
  const preset = findPreset(name);
  if (!preset) throw new NotFoundError('sla_preset_not_found', { name });
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const r = await installPreset(tx, preset);
    await audit(
      tx,
      actor,
      'sla_preset_apply',
      { type: 'sla_preset', id: preset.name },
      {
        deactivated: r.deactivated,
        created: r.created.map((p) => p.id),
        unmatched: r.unmatched,
      },
    );
    return { preset: preset.name, ...r };
  });
}

export function presentPreset(p: Preset) {
  return {
    name: p.name,
    title: p.title,
    description: p.description,
    source: p.source,
    rules: p.rules.map((r) => {
      const t = policyInput.shape;
      return {
        name: r.name,
        categories: r.categories ?? null,
        urgency: r.urgency ?? null,
        channel: r.channel ?? null,
        sign: t.sign.parse(r.sign),
        response: t.response.parse(r.response),
        complete: t.complete.parse(r.complete),
        counting: t.counting.parse(r.counting),
        thresholds: t.thresholds.parse(r.thresholds),
        reopenRestartsClock: t.reopenRestartsClock.parse(r.reopenRestartsClock),
        note: r.note ?? null,
      };
    }),
  };
}

export const presetList = () => PRESETS.map(presentPreset);
