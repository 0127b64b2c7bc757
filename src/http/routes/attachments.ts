import { z } from 'zod';
import { attachmentStorageFor } from '../../adapters/disk-storage.ts';
import { ATTACHMENT_KINDS, listAttachments, openAttachment, presentAttachment, uploadAttachment } from '../../domain/attachments/commands.ts';
import { contentDisposition } from '../../domain/attachments/content.ts';
import { idParam } from '../../domain/tickets/inputs.ts';
import { CENTRE_ROLES, UNIT_ROLES, type Role } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

/**
 * Attachments are case material, not public: centre staff and units that may read the ticket. Intake
 * clients (portals) see only a ticket's public side, so not its files.
 */
const READERS: Role[] = [...CENTRE_ROLES, ...UNIT_ROLES];
const UPLOADERS: Role[] = ['operator', 'window_clerk', 'dispatcher', ...UNIT_ROLES];

const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const attachmentRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/tickets/:id/attachments',
    summary:
      'Attach a file: the raw bytes as the body (any Content-Type; the type is read from the content: JPEG, PNG, WebP, PDF, MP3, M4A, WAV, AMR, DOCX, XLSX), ' +
      'the name URL-encoded in X-File-Name. Units attach evidence to their live assignment; operators, window clerks and dispatchers attach documents.',
    tag: 'attachments',
    access: UPLOADERS,
    params: idParam,
    query: z.object({ kind: z.enum(ATTACHMENT_KINDS).optional(), assignmentId: bigId.optional() }),
    headers: [{ name: 'X-File-Name', description: 'The file name, URL-encoded (encodeURIComponent)' }],
    rawBody: {
      description: 'The file itself; its type is judged from the bytes, not from Content-Type',
      mediaTypes: ['application/octet-stream', 'image/*', 'audio/*', 'application/pdf'],
    },
    status: 201,
    responseDescription: 'The attachment (sha256, size and the sniffed type)',
    handler: async ({ deps, actor, params, query, ctx }) => {
      const length = ctx.get('content-length');
      try {
        const row = await uploadAttachment(
          deps,
          actor,
          params.id,
          {
            body: ctx.req,
            declaredLength: length ? Number(length) : undefined,
            fileName: ctx.get('x-file-name') || undefined,
            kind: query.kind,
            assignmentId: query.assignmentId,
          },
          attachmentStorageFor(deps.config),
        );
        return { status: 201, body: presentAttachment(row, { role: actor.role, unitId: actor.unitId }), headers: { Location: `/api/attachments/${row.id}` } };
      } catch (err) {
        // Refused before the whole body was read: close the connection after answering rather than
        // reading (up to) the rest of an oversized or unwanted upload.
        if (!ctx.req.readableEnded) ctx.set('Connection', 'close');
        throw err;
      }
    },
  }),
  route({
    method: 'get',
    path: '/api/tickets/:id/attachments',
    summary: "The ticket's attachments the actor may open, oldest first",
    tag: 'attachments',
    access: READERS,
    params: idParam,
    handler: async ({ deps, actor, params }) => ({ body: { items: await listAttachments(deps, actor, params.id) } }),
  }),
  route({
    method: 'get',
    path: '/api/attachments/:id',
    summary: 'Download an attachment (as a file, never rendered inline); only for those who may read its ticket',
    tag: 'attachments',
    access: READERS,
    params: z.object({ id: bigId }),
    responseDescription: 'The bytes, with the type sniffed at upload',
    handler: async ({ deps, actor, params }) => {
      const { row, stream } = await openAttachment(deps, actor, params.id, attachmentStorageFor(deps.config));
      return {
        body: stream,
        headers: {
          'Content-Type': row.mimeType,
          'Content-Length': String(row.size),
          'Content-Disposition': contentDisposition(row.fileName),
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'private, no-store',
          'Content-Security-Policy': "default-src 'none'; sandbox",
          ETag: `"${row.sha256}"`,
        },
      };
    },
  }),
];
