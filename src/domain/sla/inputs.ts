import { z } from 'zod';
import { CHANNELS, TIME_UNITS, URGENCIES } from '../vocab.ts';
import { DEFAULT_THRESHOLDS } from './clocks.ts';

const limit = z
  .object({ amount: z.number().int().positive().max(100_000), unit: z.enum(TIME_UNITS) })
  .strict()
  // addWorkingMinutes walks at most 4000 days; a year of working days is far beyond any real limit.
  .refine((l) => l.unit !== 'working_days' || l.amount <= 366, { message: 'working_days ≤ 366', path: ['amount'] })
  .refine((l) => l.unit !== 'working_hours' || l.amount <= 366 * 8, { message: 'working_hours ≤ 2928', path: ['amount'] });

const thresholds = z
  .object({ yellow: z.number().gt(0).lt(1), red: z.number().gt(0).lt(1) })
  .strict()
  .refine((t) => t.yellow < t.red, { message: 'yellow must come before red', path: ['red'] });

/** The terms of a policy, as admins write them and as presets are stored (shared so both are checked alike). */
export const policyTerms = z.object({
  sign: limit,
  response: limit,
  complete: limit,
  /** 次日起 (true, the default) or 含本数 (false): see docs/sla.md */
  counting: z.object({ startNextWorkingDay: z.boolean() }).strict().default({ startNextWorkingDay: true }),
  thresholds: thresholds.default({ ...DEFAULT_THRESHOLDS }),
  reopenRestartsClock: z.boolean().default(true),
});

export const policyInput = policyTerms
  .extend({
    name: z.string().trim().min(1).max(100),
    categoryId: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .nullable()
      .default(null),
    urgency: z.enum(URGENCIES).nullable().default(null),
    channel: z.enum(CHANNELS).nullable().default(null),
  })
  .strict();
export type PolicyInput = z.infer<typeof policyInput>;
