import { z } from 'zod';
import { savedFilters } from '../tickets/search-filters.ts';

const name = z.string().trim().min(1).max(40);

/** A saved view: a name (unique per user) and the list's filters, validated as GET /api/tickets validates them. */
export const createViewInput = z.object({ name, filters: savedFilters }).strict();
export const updateViewInput = z
  .object({ name: name.optional(), filters: savedFilters.optional(), position: z.number().int().min(0).max(1000).optional() })
  .strict();
export type CreateViewInput = z.infer<typeof createViewInput>;
export type UpdateViewInput = z.infer<typeof updateViewInput>;

/** How many views a user may keep: each is counted on every navigation load. */
export const MAX_VIEWS = 30;
