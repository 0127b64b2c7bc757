import { z } from 'zod';
import { readerOf } from '../../deps.ts';
import { shanghaiDate } from '../../domain/clock.ts';
import { hotspotBoard } from '../../domain/hotspots/board.ts';
import { ValidationError } from '../../domain/errors.ts';
import { pickLocale } from '../../i18n/messages.ts';
import type { Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/** Centre staff who watch the city as a whole; units and operators see no hotspots (they span units). */
export const HOTSPOT_READERS: Role[] = ['supervisor', 'admin', 'dispatcher'];

const hotspotQuery = z
  .object({
    /** The last day of the week (Asia/Shanghai, YYYY-MM-DD); default today, counted up to now */
    at: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    weeks: z.coerce.number().int().min(2).max(26).optional(),
    k: z.coerce.number().min(0.5).max(10).optional(),
    minCount: z.coerce.number().int().min(1).max(10_000).optional(),
    repeatDays: z.coerce.number().int().min(1).max(90).optional(),
    repeatMin: z.coerce.number().int().min(2).max(100).optional(),
  })
  .strict();

export const hotspotRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/hotspots',
    summary:
      '未诉先办 hotspots. Spikes: tickets per (level-2 category, street) in the 7 Asia/Shanghai days ending with `at` (default today, up to now) ' +
      'against the trailing `weeks` (default 8) weeks: flagged when count ≥ minCount (5) and count > mean + k·σ (k = 3), σ = max(sd, √mean, 1). ' +
      'Repeated demands over the last repeatDays (30): one caller number, or one address and leaf category, with ≥ repeatMin (3) tickets; ' +
      'or one ticket with ≥ repeatMin − 1 repeat contacts linked. Phone numbers are masked. Each item lists the open topics already linking its tickets.',
    tag: 'hotspots',
    access: HOTSPOT_READERS,
    query: hotspotQuery,
    handler: async ({ deps, query, ctx }) => {
      const clockNow = deps.clock.now();
      let now = clockNow;
      if (query.at) {
        const endOfDay = new Date(`${query.at}T00:00:00+08:00`);
        if (Number.isNaN(endOfDay.getTime()) || shanghaiDate(endOfDay) !== query.at) {
          throw new ValidationError([{ path: 'query.at', code: 'invalid_date', message: '日期无效' }]);
        }
        // A past day: its whole week; today or later: up to now.
        now = new Date(Math.min(endOfDay.getTime() + 86_400_000 - 1, clockNow.getTime()));
      }
      const board = await hotspotBoard(readerOf(deps), now, {
        rule: { weeks: query.weeks, k: query.k, minCount: query.minCount },
        repeat: { days: query.repeatDays, minTickets: query.repeatMin },
        locale: pickLocale(ctx.get('accept-language')),
      });
      return { body: board };
    },
  }),
];
