import { z } from 'zod';
import { handDownLevels } from '../../domain/tickets/commands/chain.ts';
import { chainWorkbench } from '../../domain/tickets/workbench.ts';
import { UNIT_ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

export const chainRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/chain/workbench',
    summary:
      "A level's chain workbench (五级联动): what the actor's unit holds and may hand down, what its sub-units hold with their clocks, the sub-replies, returns and extensions waiting for its decision, and the units it may hand down to",
    tag: 'lifecycle',
    access: [...UNIT_ROLES],
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }).strict(),
    handler: async ({ deps, actor, query }) => ({
      body: await chainWorkbench(deps.db, actor, handDownLevels(deps.config.HAND_DOWN_LEVELS), deps.clock.now(), query.limit),
    }),
  }),
];
