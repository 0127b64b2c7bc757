import { dispatchSuggestion } from '../../domain/assist/dispatch-suggestion.ts';
import { suggest, suggestInput } from '../../domain/assist/suggest.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

/** The people who take demands at a desk (the roles that create tickets, less the online portal's machine client). */
const INTAKE_DESK = ['operator', 'window_clerk'] as const;

/** Suggestions at intake, and its units again where the lead unit is chosen: advice accepted with one key (docs/assist.md). */
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
  route({
    method: 'get',
    path: '/api/tickets/:id/assist/units',
    summary: 'The lead units suggested while the ticket was taken (the suggestion its intake recorded), for the dispatcher to take one with one key',
    tag: 'assist',
    access: ['dispatcher', 'supervisor'],
    params: idParam,
    responseDescription:
      '{id, units}: the recorded suggestion and its units still active, in the order shown; id null and no units when none was recorded or assisted intake is off',
    handler: async ({ deps, actor, params }) => ({ body: await dispatchSuggestion(deps.db, actor, params.id) }),
  }),
];
