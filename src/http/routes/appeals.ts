import { decideAppeal, fileAppeal } from '../../domain/appeals/commands.ts';
import { decideAppealInput, fileAppealInput, listAppealsQuery } from '../../domain/appeals/inputs.ts';
import { getAppeal, listAppeals } from '../../domain/appeals/queries.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { UNIT_ROLES } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const decide = (approve: boolean) =>
  route({
    method: 'post',
    path: `/api/appeals/:id/${approve ? 'approve' : 'reject'}`,
    summary: approve
      ? 'Approve a pending appeal: the ticket leaves the unit’s metrics (免考), recorded in the ticket’s history. Decided by the level above the unit: a supervisor for the centre’s dispatch, the leader of the parent unit for a handed-down assignment'
      : 'Reject a pending appeal, with the reason (the level above the unit decides, as for approval)',
    tag: 'appeals',
    access: ['supervisor', 'unit_leader'],
    params: idParam,
    body: decideAppealInput,
    handler: async ({ deps, actor, params, body }) => {
      const a = await decideAppeal(deps, actor, params.id, approve, body);
      return { body: await getAppeal(deps.db, actor, a.id) };
    },
  });

export const appealRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/assignments/:id/appeal',
    summary: 'Appeal (申诉/免考): the leader of the assigned unit asks that this ticket not count in the unit’s score; one pending appeal per assignment',
    tag: 'appeals',
    access: ['unit_leader'],
    params: idParam,
    body: fileAppealInput,
    status: 201,
    handler: async ({ deps, actor, params, body }) => {
      const a = await fileAppeal(deps, actor, params.id, body);
      return { status: 201, body: await getAppeal(deps.db, actor, a.id), headers: { Location: `/api/appeals/${a.id}` } };
    },
  }),
  route({
    method: 'get',
    path: '/api/appeals',
    summary:
      'Appeals, newest first (keyset pagination with ?before=): supervisors see all, units their own subtree; ?toDecide=true: the pending ones this user decides (the level above the appealing unit)',
    tag: 'appeals',
    access: ['supervisor', ...UNIT_ROLES],
    query: listAppealsQuery,
    handler: async ({ deps, actor, query }) => ({ body: await listAppeals(deps.db, actor, query) }),
  }),
  route({
    method: 'get',
    path: '/api/appeals/:id',
    summary: 'One appeal',
    tag: 'appeals',
    access: ['supervisor', ...UNIT_ROLES],
    params: idParam,
    handler: async ({ deps, actor, params }) => ({ body: await getAppeal(deps.db, actor, params.id) }),
  }),
  decide(true),
  decide(false),
];
