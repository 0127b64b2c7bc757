/**
 * Assisted intake's switches (assist_settings), edited by the system administrator: whether suggestions are shown
 * at all, and the confidence at or above which the unit model's top suggestion is dispatched by itself for
 * categories marked for auto-dispatch whose catalogue rules leave no single unit (null: never — the default).
 * Read on every suggestion, so each instance keeps them for CACHE_MS (its own change is seen at once).
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistSettings as settingsTable } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
import { audit } from '../audit.ts';
import type { Actor } from '../auth/actor.ts';
import { UnprocessableError } from '../errors.ts';

export type AssistSettings = {
  /** Suggestions shown at intake (on by default) */
  enabled: boolean;
  /** Auto-dispatch by the unit model at or above this confidence (0.5–1); null: off */
  autoDispatchThreshold: number | null;
};

export const DEFAULT_ASSIST_SETTINGS: AssistSettings = { enabled: true, autoDispatchThreshold: null };
/** The lowest threshold an administrator may set: below it the model would be right less often than not. */
export const MIN_AUTO_THRESHOLD = 0.5;
const KEYS = ['enabled', 'autoDispatchThreshold'] as const;
const CACHE_MS = 5_000;
const cache = new WeakMap<Db, { at: number; value: AssistSettings }>();

/** The settings in force (defaults for keys never set). */
export async function assistSettings(db: Db, opts: { fresh?: boolean } = {}): Promise<AssistSettings> {
  const hit = cache.get(db);
  if (!opts.fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const rows = await db
    .select()
    .from(settingsTable)
    .where(inArray(settingsTable.key, [...KEYS]));
  const value = { ...DEFAULT_ASSIST_SETTINGS };
  for (const r of rows) {
    if (r.key === 'enabled' && typeof r.value === 'boolean') value.enabled = r.value;
    if (r.key === 'autoDispatchThreshold' && (r.value === null || typeof r.value === 'number')) value.autoDispatchThreshold = r.value;
  }
  cache.set(db, { at: Date.now(), value });
  return value;
}

/** Change one or both settings (validated here as well as at the route); audited with before and after. */
export async function updateAssistSettings(deps: DbClockDeps, actor: Actor, input: Partial<AssistSettings>): Promise<AssistSettings> {
  const t = input.autoDispatchThreshold;
  if (t !== undefined && t !== null && !(Number.isFinite(t) && t >= MIN_AUTO_THRESHOLD && t <= 1)) {
    throw new UnprocessableError('assist_threshold_invalid', { min: MIN_AUTO_THRESHOLD });
  }
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const before = await assistSettings(tx as Db, { fresh: true });
    const after = { ...before, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as AssistSettings;
    for (const key of KEYS) {
      if (input[key] === undefined) continue;
      // a key set to null is its default (off): the row goes (a jsonb null would read back as SQL null)
      if (input[key] === null) {
        await tx.delete(settingsTable).where(eq(settingsTable.key, key));
        continue;
      }
      await tx
        .insert(settingsTable)
        .values({ key, value: input[key], updatedBy: actor.userId || null, updatedAt: now })
        .onConflictDoUpdate({ target: settingsTable.key, set: { value: input[key], updatedBy: actor.userId || null, updatedAt: now } });
    }
    await audit(tx, actor, 'assist_settings_changed', { type: 'assist_settings', id: 'assist' }, { before, after });
    return after;
  });
  cache.set(deps.db, { at: Date.now(), value: result });
  return result;
}
