import { Readable, Transform, pipeline } from 'node:stream';
import type { Context } from 'koa';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/auth/actor.ts';
import { DomainError } from '../domain/errors.ts';
import { type AdministratorRequest, auditAdministratorRequest, auditMark } from '../domain/security/admin-audit.ts';
import { translate } from './problem.ts';

/**
 * Runs one route for an administrator so that the request, whatever its outcome, leaves an audit row: its own,
 * or the generic one (src/domain/security/admin-audit.ts). On success a failure to audit fails the request; on a
 * refusal it is logged and the refusal answered. A streamed body (an export, an attachment) is audited after its
 * last chunk is read and before it is sent — the export writes its own row at that point — so the download ends
 * only once the row is written.
 */
export async function auditedForAdministrator(
  deps: Deps,
  def: { method: string; path: string },
  ctx: Context,
  actor: Actor,
  run: () => Promise<void>,
): Promise<void> {
  const since = await auditMark(deps.db);
  const request = { method: def.method, route: def.path, params: { ...ctx.params }, queryKeys: Object.keys(ctx.query) };
  const write = (outcome: Pick<AdministratorRequest, 'status' | 'code'>) => auditAdministratorRequest(deps.db, actor, since, { ...request, ...outcome });
  const logFailure = (err: unknown) => ctx.state.log?.error({ err }, 'could not audit an administrator’s request');
  try {
    await run();
  } catch (err) {
    const e = translate(err);
    await write(e instanceof DomainError ? { status: e.status, code: e.code } : { status: 500, code: 'internal_error' }).catch(logFailure);
    throw err;
  }
  const body = ctx.body;
  if (!(body instanceof Readable)) {
    await write({ status: ctx.status });
    return;
  }
  const status = ctx.status;
  const length = ctx.response.get('Content-Length');
  const audited = new Transform({
    transform: (chunk, _encoding, done) => done(null, chunk),
    flush: (done) => {
      write({ status }).then(() => done(), done);
    },
  });
  // A download cut short (the client gone, the source failed) is recorded as such when nothing else was.
  pipeline(body, audited, (err) => {
    if (err) write({ status, code: 'stream_aborted' }).catch(logFailure);
  });
  ctx.body = audited;
  if (length) ctx.length = Number(length);
}
