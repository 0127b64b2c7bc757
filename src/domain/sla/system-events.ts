/**
 * Events the system writes in bulk (the sweep's warnings, recomputed deadlines): one INSERT … RETURNING
 * gives each event with its audience — the ticket's creator and the paths of every unit it was assigned
 * to, '/'-joined — which becomes the event published after the commit.
 */
import type { PublishedEvent } from '../events.ts';

export type EventRow = { id: unknown; ticket_id: unknown; assignment_id: unknown; type?: string; version: number; created_by: number | null; paths: string | null };

export function toPublished(e: EventRow, createdAt: string, type = e.type ?? 'event'): PublishedEvent {
  return {
    id: Number(e.id),
    type,
    ticketId: Number(e.ticket_id),
    assignmentId: e.assignment_id === null ? null : Number(e.assignment_id),
    version: e.version,
    toStatus: null,
    unitIds: [...new Set((e.paths ?? '').split('/').filter(Boolean).map(Number))],
    createdBy: e.created_by === null ? null : Number(e.created_by),
    createdAt,
  };
}
