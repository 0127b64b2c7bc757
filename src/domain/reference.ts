/**
 * Reference data in memory: categories, units, street boundaries, active dispatch rules, active SLA
 * policies and SMS templates — small tables that every intake reads and admins change a few times a month.
 *
 * Invalidation, across any number of instances: statement-level triggers (migration 0010) bump the one-row
 * `reference_version` counter in the same transaction as any change to those tables, whoever makes it (an
 * admin route on any instance, a migration, psql). A command reads the counter once — folded into a query it
 * makes anyway where it can — and uses the cached copy only when it is at least that version, else reloads
 * it. So a change committed before a request starts is always seen by that request: no TTL, no staleness
 * window, no LISTEN connection to lose.
 *
 * Passed explicitly: a command that has a copy (intake, the hottest path) hands it down as the optional last
 * `refs` argument of the read paths it calls — routing (locate, suggest), auto-dispatch, the dispatch's unit
 * check, SLA policy matching, category paths and SMS templates. Called without it, they run their usual SQL.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { categories, dispatchRules, messageTemplates, referenceVersion, slaPolicies, streetBoundaries, units } from '../../db/schema/index.ts';

export type CategoryRef = { id: number; name: string; parentId: number | null; level: number; active: boolean; autoDispatch: boolean; hasChildren: boolean };
export type UnitRef = typeof units.$inferSelect;
export type BoundaryRef = typeof streetBoundaries.$inferSelect;
export type RuleRef = typeof dispatchRules.$inferSelect;
export type PolicyRef = typeof slaPolicies.$inferSelect;

export type References = {
  version: number;
  categories: ReadonlyMap<number, CategoryRef>;
  units: ReadonlyMap<number, UnitRef>;
  /** Every street boundary, by unit id ascending. */
  boundaries: readonly BoundaryRef[];
  /** Active dispatch rules, by id. */
  rules: readonly RuleRef[];
  /** Active SLA policies, by id. */
  policies: readonly PolicyRef[];
  /** SMS templates the admins have overridden, by key (the rest are the defaults in code). */
  templates: ReadonlyMap<string, string>;
};

async function load(db: Db, version: number): Promise<References> {
  const [cats, unitRows, boundaries, rules, policies, templates] = await Promise.all([
    db
      .select({
        id: categories.id,
        name: categories.name,
        parentId: categories.parentId,
        level: categories.level,
        active: categories.active,
        autoDispatch: categories.autoDispatch,
      })
      .from(categories),
    db.select().from(units),
    db.select().from(streetBoundaries).orderBy(asc(streetBoundaries.unitId)),
    db.select().from(dispatchRules).where(eq(dispatchRules.active, true)).orderBy(asc(dispatchRules.id)),
    db.select().from(slaPolicies).where(eq(slaPolicies.active, true)).orderBy(asc(slaPolicies.id)),
    db.select({ key: messageTemplates.key, body: messageTemplates.body }).from(messageTemplates),
  ]);
  const parents = new Set(cats.map((c) => c.parentId).filter((id) => id !== null));
  return {
    version,
    categories: new Map(cats.map((c) => [c.id, { ...c, hasChildren: parents.has(c.id) }])),
    units: new Map(unitRows.map((u) => [u.id, u])),
    boundaries,
    rules,
    policies,
    templates: new Map(templates.map((t) => [t.key, t.body])),
  };
}

/** One cached copy per database handle (each test file has its own). */
const cache = new WeakMap<object, { version: number; data: Promise<References> }>();

/** The counter, for commands that have no query to fold it into. */
export async function readReferenceVersion(db: Db): Promise<number> {
  const [row] = await db.select({ version: referenceVersion.version }).from(referenceVersion);
  return row?.version ?? 0;
}

/** The cached copy if it is at least `version` (read by the caller), else a fresh load shared by concurrent callers. */
export function referencesAt(db: Db, version: number): Promise<References> {
  const hit = cache.get(db);
  if (hit && hit.version >= version) return hit.data;
  const data = load(db, version);
  cache.set(db, { version, data });
  data.catch(() => {
    if (cache.get(db)?.data === data) cache.delete(db);
  });
  return data;
}

/** A category and its ancestors, root first (what the recursive queries return), from the copy. */
export function categoryAncestry(refs: References, categoryId: number): CategoryRef[] {
  const out: CategoryRef[] = [];
  const seen = new Set<number>();
  for (let c = refs.categories.get(categoryId); c && !seen.has(c.id); c = c.parentId === null ? undefined : refs.categories.get(c.parentId)) {
    seen.add(c.id);
    out.push(c);
  }
  return out.sort((a, b) => a.level - b.level);
}
