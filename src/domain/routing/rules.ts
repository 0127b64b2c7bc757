/** The dispatch catalogue's rules, maintained by admins: every change checked against the unit tree and audited. */
import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { categories, dispatchRules, units } from '../../../db/schema/index.ts';
import type { DbDeps, DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import type { RuleInput } from './inputs.ts';

export type DispatchRuleRow = typeof dispatchRules.$inferSelect;

export async function listRules(db: Db, f: { categoryId?: number; active?: boolean } = {}): Promise<DispatchRuleRow[]> {
  const where: SQL[] = [];
  if (f.categoryId) where.push(eq(dispatchRules.categoryId, f.categoryId));
  if (f.active !== undefined) where.push(eq(dispatchRules.active, f.active));
  return db
    .select()
    .from(dispatchRules)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(dispatchRules.id));
}

export async function getRule(db: Db, id: number): Promise<DispatchRuleRow> {
  const [r] = await db.select().from(dispatchRules).where(eq(dispatchRules.id, id));
  if (!r) throw new NotFoundError('rule_not_found', { id });
  return r;
}

/** Every category and unit a rule names must exist (units: active), of the right kind, and fit together. */
async function checkReferences(db: Db, input: RuleInput) {
  if (input.categoryId !== null) {
    const [c] = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, input.categoryId));
    if (!c) throw new UnprocessableError('rule_category_unknown', { categoryId: input.categoryId });
  }
  const ids = [input.districtUnitId, input.streetUnitId, input.leadUnitId, ...input.assistUnitIds].filter((x): x is number => x !== null);
  const found = ids.length
    ? await db
        .select({ id: units.id, kind: units.kind, path: units.path })
        .from(units)
        .where(and(inArray(units.id, ids), eq(units.active, true)))
    : [];
  const unit = (id: number) => {
    const u = found.find((f) => f.id === id);
    if (!u) throw new UnprocessableError('unit_unknown', { unitId: id });
    return u;
  };
  for (const id of ids) unit(id);
  const district = input.districtUnitId !== null ? unit(input.districtUnitId) : null;
  if (district && district.kind !== 'district') throw new UnprocessableError('unit_not_district', { unitId: district.id });
  const street = input.streetUnitId !== null ? unit(input.streetUnitId) : null;
  if (street && street.kind !== 'street') throw new UnprocessableError('unit_not_street', { unitId: street.id });
  if (street && district && !street.path.startsWith(district.path)) {
    throw new UnprocessableError('street_not_in_district', { streetUnitId: street.id, districtUnitId: district.id });
  }
  for (const id of [input.leadUnitId, ...input.assistUnitIds]) {
    if (id !== null && unit(id).kind === 'centre') throw new UnprocessableError('unit_not_assignable');
  }
}

const values = (input: RuleInput) => ({
  name: input.name,
  categoryId: input.categoryId,
  districtUnitId: input.districtUnitId,
  streetUnitId: input.streetUnitId,
  keyword: input.keyword,
  leadMode: input.leadMode,
  leadUnitId: input.leadUnitId,
  assistUnitIds: input.assistUnitIds,
  copyDistrict: input.copyDistrict,
  priority: input.priority,
  active: input.active,
});

export async function createRule(deps: DbClockDeps, actor: Actor, input: RuleInput): Promise<DispatchRuleRow> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await checkReferences(tx, input);
    const now = deps.clock.now();
    const [r] = await tx
      .insert(dispatchRules)
      .values({ ...values(input), createdAt: now, updatedAt: now })
      .returning();
    await audit(tx, actor, 'dispatch_rule_created', { type: 'dispatch_rule', id: r!.id }, { rule: values(input) });
    return r!;
  });
}

/** PUT: the rule is replaced as a whole; the audit row keeps what it was. */
export async function updateRule(deps: DbClockDeps, actor: Actor, id: number, input: RuleInput): Promise<DispatchRuleRow> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [before] = await tx.select().from(dispatchRules).where(eq(dispatchRules.id, id)).for('update');
    if (!before) throw new NotFoundError('rule_not_found', { id });
    await checkReferences(tx, input);
    const [r] = await tx
      .update(dispatchRules)
      .set({ ...values(input), updatedAt: deps.clock.now() })
      .where(eq(dispatchRules.id, id))
      .returning();
    await audit(tx, actor, 'dispatch_rule_updated', { type: 'dispatch_rule', id }, { before: values(before as RuleInput), after: values(input) });
    return r!;
  });
}

export async function deleteRule(deps: DbDeps, actor: Actor, id: number): Promise<void> {
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [before] = await tx.delete(dispatchRules).where(eq(dispatchRules.id, id)).returning();
    if (!before) throw new NotFoundError('rule_not_found', { id });
    await audit(tx, actor, 'dispatch_rule_deleted', { type: 'dispatch_rule', id }, { rule: values(before as RuleInput) });
  });
}

export function presentRule(r: DispatchRuleRow) {
  return { ...values(r as RuleInput), id: r.id, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}
