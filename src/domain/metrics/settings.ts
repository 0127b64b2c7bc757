import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { metricSettings } from '../../../db/schema/index.ts';
import type { DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { DEFAULT_METRIC_SETTINGS, metricSettingsSchema, type MetricSettings } from './definitions.ts';

const KEY = 'metrics';

/** The stored choices over the defaults (a stored value that no longer parses is ignored, field by field). */
export async function loadMetricSettings(db: Db): Promise<MetricSettings> {
  const [row] = await db.select().from(metricSettings).where(eq(metricSettings.key, KEY));
  const stored = (row?.value ?? {}) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...DEFAULT_METRIC_SETTINGS };
  for (const [k, v] of Object.entries(stored)) {
    const field = metricSettingsSchema.shape[k as keyof MetricSettings];
    if (field?.safeParse(v).success) merged[k] = v;
  }
  return merged as MetricSettings;
}

export const metricSettingsPatch = metricSettingsSchema.partial().strict();

/** Admins change the definitions; every figure, past ones included, follows at once (rates are computed when read). */
export async function updateMetricSettings(deps: DbClockDeps, actor: Actor, patch: Partial<MetricSettings>): Promise<MetricSettings> {
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const before = await loadMetricSettings(tx);
    const after = { ...before, ...patch };
    await tx
      .insert(metricSettings)
      .values({ key: KEY, value: after, updatedBy: actor.userId, updatedAt: deps.clock.now() })
      .onConflictDoUpdate({ target: metricSettings.key, set: { value: after, updatedBy: actor.userId, updatedAt: deps.clock.now() } });
    await audit(tx, actor, 'metric_settings_updated', { type: 'metric_settings', id: KEY }, { before, after });
    return after;
  });
}
