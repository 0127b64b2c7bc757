/**
 * The telephony hook: a call put through to an operator pops the caller's number (and so their history) on that
 * operator's open console, on whichever instance holds it.
 */
import { and, eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import type { TxDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { ForbiddenError, UnavailableError, UnprocessableError } from '../errors.ts';

/** The intake client the telephony system (CTI / ACD) signs in as; other intake clients (portals) may not pop screens. */
export const TELEPHONY_USERNAME = 'telephony';

export async function popCallerScreen(deps: TxDeps, actor: Actor, input: { phone: string; agent: string }) {
  if (actor.role === 'intake_client' && actor.username !== TELEPHONY_USERNAME) throw new ForbiddenError();
  const [agent] = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.username, input.agent), eq(users.role, 'operator'), eq(users.active, true)));
  if (!agent) throw new UnprocessableError('agent_unknown', { agent: input.agent });
  const at = deps.clock.now().toISOString();
  // Realtime (src/realtime/server.ts) emits it to the operator's user room; nothing listens when this process
  // has no realtime server attached (an API-only test server): then say so rather than drop the call.
  if (!deps.bus.popCall({ userId: agent.id, phone: input.phone, agent: input.agent, at })) throw new UnavailableError('realtime_unavailable');
  return { agent: input.agent, at };
}
