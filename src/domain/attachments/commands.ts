import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { assignments, attachments, tickets, users } from '../../../db/schema/index.ts';
import type { Deps, DbDeps, TxDeps, WithConfig } from '../../deps.ts';
import { audit } from '../audit.ts';
import { isUnit, type Actor } from '../auth/actor.ts';
import { DomainError, ForbiddenError, NotFoundError, PayloadTooLargeError, UnprocessableError } from '../errors.ts';
import { callerVisibility } from '../tickets/policy.ts';
import { loadTicket, type TicketRow } from '../tickets/queries.ts';
import { inTransaction } from '../tickets/record.ts';
import { LIVE_ASSIGNMENT } from '../tickets/status.ts';
import type { AttachmentKind, Role } from '../vocab.ts';
import { displayName, receive, sniff } from './content.ts';
import { newStorageKey, type AttachmentStorage } from './storage.ts';

export { ATTACHMENT_KINDS, type AttachmentKind } from '../vocab.ts';

/** Centre staff who work on tickets and so may attach files (call recordings, window paperwork, dispatch notes). */
export const CENTRE_UPLOADERS: readonly Role[] = ['operator', 'window_clerk', 'dispatcher'];

export type AttachmentRow = typeof attachments.$inferSelect;

/**
 * May this actor attach to this ticket, and to which assignment? Centre uploaders may (to any of the
 * ticket's assignments, or none); a unit member only while its own unit holds a live assignment, and the
 * file belongs to that assignment. Reading the ticket is checked before (404), this is the 403.
 */
async function uploadTarget(tx: Db, actor: Actor, ticket: TicketRow, assignmentId: number | undefined): Promise<number | null> {
  if (CENTRE_UPLOADERS.includes(actor.role)) {
    if (!assignmentId) return null;
    const [a] = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.id, assignmentId), eq(assignments.ticketId, ticket.id)));
    if (!a) throw new UnprocessableError('assignment_not_on_ticket', { assignmentId });
    return a.id;
  }
  if (isUnit(actor)) {
    const live = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.ticketId, ticket.id), eq(assignments.unitId, actor.unitId), inArray(assignments.status, [...LIVE_ASSIGNMENT])))
      .orderBy(asc(assignments.id));
    const a = assignmentId ? live.find((l) => l.id === assignmentId) : live[0];
    if (a) return a.id;
  }
  throw new ForbiddenError('attachment_not_allowed');
}

/**
 * Call recordings carry the caller's voice and often name and number: a unit hears them only where it
 * may see the caller's full contact details (docs/domain.md §9: not on confidential or masked tickets).
 */
function mayOpen(actor: Actor, ticket: TicketRow, a: Pick<AttachmentRow, 'mimeType'>): boolean {
  if (!a.mimeType.startsWith('audio/')) return true;
  return !isUnit(actor) || callerVisibility(actor, ticket) === 'full';
}

export type UploadInput = {
  body: Readable;
  /** Content-Length, when the client sent one: refused at once if over the limit */
  declaredLength?: number;
  /** The X-File-Name header as sent (URL-encoded) */
  fileName?: string;
  kind?: AttachmentKind;
  assignmentId?: number;
};

/**
 * Attach a file to a ticket. Order: read right (404) and upload right (403) before a byte is read; then
 * the body is streamed to a temporary file under the size limit (413), its type sniffed from the bytes
 * (415), the bytes stored under a random key, and the row plus an 'attachment_added' event written in one
 * transaction — if that fails, the stored bytes are removed again.
 */
export async function uploadAttachment(
  deps: TxDeps & Pick<Deps, 'logger'> & WithConfig<'ATTACHMENT_MAX_BYTES'>,
  actor: Actor,
  ticketId: number,
  input: UploadInput,
  storage: AttachmentStorage,
): Promise<AttachmentRow> {
  const max = deps.config.ATTACHMENT_MAX_BYTES;
  const first = await loadTicket(deps.db, actor, ticketId);
  await uploadTarget(deps.db, actor, first, input.assignmentId);
  if (input.declaredLength !== undefined && input.declaredLength > max) throw new PayloadTooLargeError();

  const received = await receive(input.body, max);
  try {
    const type = await sniff(received.file);
    if (!type || received.size === 0) throw new DomainError('attachment_type_refused', 415, { allowed: 'JPEG PNG WebP PDF MP3 M4A WAV AMR DOCX XLSX' });
    const fileName = displayName(input.fileName, type);
    const key = newStorageKey();
    await storage.put(key, fs.createReadStream(received.file));
    try {
      return await inTransaction(deps, async (tx, record) => {
        // Checked again under the ticket lock: the unit's assignment may have ended while the bytes arrived.
        const ticket = await loadTicket(tx, actor, ticketId, { lock: true });
        const assignmentId = await uploadTarget(tx, actor, ticket, input.assignmentId);
        const now = deps.clock.now();
        const [row] = await tx
          .insert(attachments)
          .values({
            ticketId: ticket.id,
            assignmentId,
            kind: input.kind ?? (isUnit(actor) ? 'evidence' : 'document'),
            fileName,
            mimeType: type.mime,
            size: received.size,
            sha256: received.sha256,
            storageKey: key,
            uploadedBy: actor.userId,
            createdAt: now,
          })
          .returning();
        const [updated] = await tx
          .update(tickets)
          .set({ version: ticket.version + 1, updatedAt: now })
          .where(and(eq(tickets.id, ticket.id), eq(tickets.version, ticket.version)))
          .returning({ version: tickets.version });
        await record(actor, {
          ticketId: ticket.id,
          assignmentId,
          type: 'attachment_added',
          fromStatus: ticket.status,
          toStatus: ticket.status,
          version: updated!.version,
          payload: { attachmentId: row!.id, kind: row!.kind, fileName, mimeType: type.mime, size: received.size },
        });
        return row!;
      });
    } catch (err) {
      await storage.delete(key).catch((e: unknown) => deps.logger.error({ err: e, key }, 'could not remove an orphaned attachment'));
      throw err;
    }
  } finally {
    await fsp.rm(received.file, { force: true });
  }
}

/** The ticket's attachments the actor may open, oldest first. */
export async function listAttachments(deps: DbDeps, actor: Actor, ticketId: number) {
  const ticket = await loadTicket(deps.db, actor, ticketId);
  const rows = await deps.db
    .select({ a: attachments, uploaderRole: users.role, uploaderUnitId: users.unitId })
    .from(attachments)
    .leftJoin(users, eq(users.id, attachments.uploadedBy))
    .where(eq(attachments.ticketId, ticket.id))
    .orderBy(asc(attachments.id));
  return rows
    .filter(({ a }) => mayOpen(actor, ticket, a))
    .map(({ a, uploaderRole, uploaderUnitId }) => presentAttachment(a, { role: uploaderRole, unitId: uploaderUnitId }));
}

export function presentAttachment(a: AttachmentRow, uploader: { role: Role | null; unitId: number | null } = { role: null, unitId: null }) {
  return {
    id: a.id,
    ticketId: a.ticketId,
    assignmentId: a.assignmentId,
    kind: a.kind,
    fileName: a.fileName,
    mimeType: a.mimeType,
    size: a.size,
    sha256: a.sha256,
    uploadedBy: a.uploadedBy ? { id: a.uploadedBy, role: uploader.role, unitId: uploader.unitId } : null,
    createdAt: a.createdAt.toISOString(),
    url: `/api/attachments/${a.id}`,
  };
}

/** One attachment's bytes, for an actor who may read its ticket (404 otherwise, as for the ticket). Audited. */
export async function openAttachment(
  deps: Pick<Deps, 'db' | 'logger'>,
  actor: Actor,
  id: number,
  storage: AttachmentStorage,
): Promise<{ row: AttachmentRow; stream: Readable }> {
  const [row] = await deps.db.select().from(attachments).where(eq(attachments.id, id));
  if (!row) throw new NotFoundError('attachment_not_found');
  const ticket = await loadTicket(deps.db, actor, row.ticketId).catch(() => null);
  if (!ticket || !mayOpen(actor, ticket, row)) throw new NotFoundError('attachment_not_found');
  const stream = await storage.get(row.storageKey);
  if (!stream) {
    deps.logger.error({ attachmentId: row.id, key: row.storageKey }, 'attachment row without stored bytes');
    throw new NotFoundError('attachment_not_found');
  }
  try {
    await audit(deps.db, actor, 'attachment_downloaded', { type: 'attachment', id: row.id }, { ticketId: row.ticketId, fileName: row.fileName });
  } catch (err) {
    stream.destroy();
    throw err;
  }
  return { row, stream };
}
