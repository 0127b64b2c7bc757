/**
 * The notification centre's items (消息中心) as the API answers them (GET /api/inbox): one type for the server's
 * query and the web app's panel.
 */
import type { TicketEventType } from './events.ts';

export const INBOX_KINDS = ['dispatched', 'reopened', 'review_requested', 'review_decided', 'warning', 'supervised', 'rating'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export type InboxItem = {
  id: number;
  kind: InboxKind;
  ticketId: number | null;
  /** The ticket's number and title (phone numbers in it masked as in every list) */
  ticket: { number: string; title: string } | null;
  /** The unit it concerns, by name */
  unitName: string | null;
  /** What happened: the event, and for warnings and 督办 the clock and level; for a reopen the redo count */
  payload: { event?: TicketEventType; unitId?: number; level?: string; clock?: string; redo?: number; supervisionLevel?: string };
  createdAt: string;
  readAt: string | null;
};
