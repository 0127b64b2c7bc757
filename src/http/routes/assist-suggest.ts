import { suggest, suggestInput } from '../../domain/assist/suggest.ts';
import { route, type AnyRoute } from '../route.ts';

/** The people who take demands at a desk (the roles that create tickets, less the online portal's machine client). */
const INTAKE_DESK = ['operator', 'window_clerk'] as const;

/** Suggestions at intake: advice the operator accepts with one key (docs/assist.md). */
export const assistSuggestRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/assist/suggest',
    summary: 'The top 3 categories and units for a demand being taken, each with its confidence and the words that weighed most (recorded)',
    tag: 'assist',
    access: [...INTAKE_DESK],
    body: suggestInput,
    responseDescription: 'AssistSuggestion: id null and empty lists when assisted intake is switched off or no model is trained yet',
    handler: async ({ deps, actor, body }) => ({ body: await suggest(deps.db, actor, body) }),
  }),
];
