/**
 * The models in use: the newest stored version per target, built into a Predictor once per instance and rebuilt
 * when a newer version is stored (by this instance's retraining or another's). The newest version is looked up at
 * most every `RECHECK_MS`, so a suggestion costs no query in the common case.
 */
import { desc, eq, max } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assistModels } from '../../../db/schema/index.ts';
import type { AssistTarget } from '../../contract/assist.ts';
import { type NbModel, Predictor } from './classifier.ts';

export type LoadedModel = { id: number; version: number; predictor: Predictor };

const RECHECK_MS = 30_000;
type Slot = { loaded: LoadedModel | null; checkedAt: number; loading: Promise<LoadedModel | null> | null };
const slots = new Map<AssistTarget, Slot>();

async function newestId(db: Db, target: AssistTarget): Promise<number | null> {
  const [row] = await db
    .select({ id: max(assistModels.id) })
    .from(assistModels)
    .where(eq(assistModels.target, target));
  return row?.id ?? null;
}

async function load(db: Db, target: AssistTarget): Promise<LoadedModel | null> {
  const [row] = await db.select().from(assistModels).where(eq(assistModels.target, target)).orderBy(desc(assistModels.version)).limit(1);
  if (!row) return null;
  return { id: row.id, version: row.version, predictor: new Predictor(row.model as unknown as NbModel) };
}

/** The model in use for `target` (null: none trained yet). `now` in ms; pass `fresh` to skip the recheck interval. */
export async function modelFor(db: Db, target: AssistTarget, opts: { now?: number; fresh?: boolean } = {}): Promise<LoadedModel | null> {
  const now = opts.now ?? Date.now();
  let slot = slots.get(target);
  if (!slot) {
    slot = { loaded: null, checkedAt: 0, loading: null };
    slots.set(target, slot);
  }
  if (slot.loading) return slot.loading;
  if (!opts.fresh && slot.checkedAt && now - slot.checkedAt < RECHECK_MS) return slot.loaded;
  const s = slot;
  s.loading = (async () => {
    const id = await newestId(db, target);
    if (id !== (s.loaded?.id ?? null)) s.loaded = id === null ? null : await load(db, target);
    s.checkedAt = now;
    return s.loaded;
  })().finally(() => {
    s.loading = null;
  });
  return s.loading;
}

/** Forget the loaded models (tests that start from a fresh database). */
export function forgetModels(): void {
  slots.clear();
}
