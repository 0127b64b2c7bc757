/**
 * The governance topic lifecycle (未诉先办 / 每月一题), a pure table:
 *
 *   open ──start──▶ in_progress ──resolve──▶ resolved ──close──▶ closed
 *     │                  ▲                      │
 *     └────resolve───────┼──────────────────────┘ reopen (resolved → in_progress)
 *   open / in_progress ──close──▶ closed   (dropped: not a real cluster, or merged into another topic)
 *
 * closed is final: a closed topic takes no links, notes or status changes.
 */
import { TOPIC_ACTIONS, TOPIC_STATUSES, type TopicAction, type TopicStatus } from '../../contract/vocab.ts';

/** The statuses and actions are vocabularies of the contract (src/contract/vocab.ts); the table below is over them. */
export { TOPIC_ACTIONS, TOPIC_STATUSES };
export type { TopicAction, TopicStatus };

const TABLE: Record<TopicAction, Partial<Record<TopicStatus, TopicStatus>>> = {
  start: { open: 'in_progress' },
  resolve: { open: 'resolved', in_progress: 'resolved' },
  reopen: { resolved: 'in_progress' },
  close: { open: 'closed', in_progress: 'closed', resolved: 'closed' },
};

/** The status after the action, or null when the action is not legal now. */
export function nextTopicStatus(status: TopicStatus, action: TopicAction): TopicStatus | null {
  return TABLE[action][status] ?? null;
}

/** The actions legal in a status (the screen shows only these buttons). */
export function topicActions(status: TopicStatus): TopicAction[] {
  return TOPIC_ACTIONS.filter((a) => nextTopicStatus(status, a) !== null);
}
