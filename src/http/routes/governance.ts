import { addTopicNote, linkTickets, openTopic, transitionTopic, unlinkTicket, updateTopic } from '../../domain/governance/commands.ts';
import {
  linkTicketsInput,
  listTopicsQuery,
  noteInput,
  openTopicInput,
  topicIdParam,
  topicTicketParam,
  transitionInput,
  updateTopicInput,
} from '../../domain/governance/inputs.ts';
import { listTopics, topicEvents, topicTickets, topicView } from '../../domain/governance/queries.ts';
import { TOPIC_ACTIONS, type TopicAction } from '../../domain/governance/status.ts';
import type { Role } from '../../domain/vocab.ts';
import type { Deps } from '../../deps.ts';
import { route, type AnyRoute } from '../route.ts';

/** Dispatchers may follow topics; supervisors and admins run them. Units and operators: 403. */
const READERS: Role[] = ['supervisor', 'admin', 'dispatcher'];
const WRITERS: Role[] = ['supervisor', 'admin'];

/** The topic with its tickets and timeline: what every write answers with. */
async function fullTopic(deps: Deps, id: number) {
  return { ...(await topicView(deps.db, id)), tickets: await topicTickets(deps.db, id), events: await topicEvents(deps.db, id) };
}

const SUMMARIES: Record<TopicAction, string> = {
  start: 'Start work on an open topic (open → in_progress)',
  resolve: 'Mark the problem solved (open / in_progress → resolved); the note says what was done',
  reopen: 'The problem came back (resolved → in_progress)',
  close: 'Close the topic for good (any → closed); a closed topic takes no further changes',
};

export const governanceRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/governance/topics',
    summary: 'Governance topics (未诉先办 / 每月一题), newest first; by status, or the topics linking one ticket (?ticketId=)',
    tag: 'governance',
    access: READERS,
    query: listTopicsQuery,
    handler: async ({ deps, query }) => {
      const items = await listTopics(deps.db, query);
      return { body: { items, nextBefore: items.length === query.limit ? items.at(-1)!.id : null } };
    },
  }),
  route({
    method: 'post',
    path: '/api/governance/topics',
    summary: 'Open a topic, usually from a hotspot with its tickets (ticketIds) linked at once; audited',
    tag: 'governance',
    access: WRITERS,
    body: openTopicInput,
    status: 201,
    handler: async ({ deps, actor, body }) => {
      const t = await openTopic(deps, actor, body);
      return { status: 201, body: await fullTopic(deps, t.id) };
    },
  }),
  route({
    method: 'get',
    path: '/api/governance/topics/:id',
    summary: 'One topic with its linked tickets and its timeline (opened, links, status changes, progress notes)',
    tag: 'governance',
    access: READERS,
    params: topicIdParam,
    handler: async ({ deps, params }) => ({ body: await fullTopic(deps, params.id) }),
  }),
  route({
    method: 'put',
    path: '/api/governance/topics/:id',
    summary: 'Change the title, description or owner unit (version-checked; 409 version_conflict when stale)',
    tag: 'governance',
    access: WRITERS,
    params: topicIdParam,
    body: updateTopicInput,
    handler: async ({ deps, actor, params, body }) => {
      await updateTopic(deps, actor, params.id, body);
      return { body: await fullTopic(deps, params.id) };
    },
  }),
  ...TOPIC_ACTIONS.map((action) =>
    route({
      method: 'post',
      path: `/api/governance/topics/:id/${action}`,
      summary: `${SUMMARIES[action]} (version-checked; 409 topic_invalid_transition when not legal now)`,
      tag: 'governance',
      access: WRITERS,
      params: topicIdParam,
      body: transitionInput,
      handler: async ({ deps, actor, params, body }) => {
        await transitionTopic(deps, actor, params.id, action, body);
        return { body: await fullTopic(deps, params.id) };
      },
    }),
  ),
  route({
    method: 'post',
    path: '/api/governance/topics/:id/tickets',
    summary: 'Link tickets to the topic (idempotent: linked ones are skipped; a ticket may be in several topics)',
    tag: 'governance',
    access: WRITERS,
    params: topicIdParam,
    body: linkTicketsInput,
    handler: async ({ deps, actor, params, body }) => {
      const r = await linkTickets(deps, actor, params.id, body.ticketIds);
      return { body: { ...(await fullTopic(deps, params.id)), linked: r.linked } };
    },
  }),
  route({
    method: 'delete',
    path: '/api/governance/topics/:id/tickets/:ticketId',
    summary: 'Unlink a ticket from the topic (unlinking one that is not linked changes nothing)',
    tag: 'governance',
    access: WRITERS,
    params: topicTicketParam,
    handler: async ({ deps, actor, params }) => {
      const r = await unlinkTicket(deps, actor, params.id, params.ticketId);
      return { body: { ...(await fullTopic(deps, params.id)), unlinked: r.unlinked } };
    },
  }),
  route({
    method: 'post',
    path: '/api/governance/topics/:id/notes',
    summary: 'Add a progress note (进展) to the topic timeline',
    tag: 'governance',
    access: WRITERS,
    params: topicIdParam,
    body: noteInput,
    handler: async ({ deps, actor, params, body }) => {
      await addTopicNote(deps, actor, params.id, body.text);
      return { status: 201, body: await fullTopic(deps, params.id) };
    },
    status: 201,
  }),
];
