import { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { ForbiddenError, UnavailableError, UnprocessableError } from '../../domain/errors.ts';
import { phone } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

/** The intake client the telephony system (CTI / ACD) signs in as; other intake clients (portals) may not pop screens. */
export const TELEPHONY_USERNAME = 'telephony';

export const telephonyRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/telephony/call-events',
    summary:
      "Telephony hook: a call was put through to an operator. Pops the caller's number (and so their history) on that operator's open console " +
      `over Socket.IO ('call:incoming' to the operator's user room). Bearer token of the '${TELEPHONY_USERNAME}' intake client, or an admin.`,
    tag: 'telephony',
    access: ['intake_client', 'admin'],
    body: z.object({ phone, agent: z.string().trim().min(1).max(64) }).strict(),
    status: 202,
    responseDescription: 'Accepted: sent to the operator’s screens (if none is open, nothing is shown)',
    handler: async ({ deps, actor, body }) => {
      if (actor.role === 'intake_client' && actor.username !== TELEPHONY_USERNAME) throw new ForbiddenError();
      const [agent] = await deps.db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.username, body.agent), eq(users.role, 'operator'), eq(users.active, true)));
      if (!agent) throw new UnprocessableError('agent_unknown', { agent: body.agent });
      const at = deps.clock.now().toISOString();
      // Realtime (src/realtime/server.ts) emits it to the operator's user room; nothing listens when this process
      // has no realtime server attached (an API-only test server): then say so rather than drop the call.
      if (!deps.bus.popCall({ userId: agent.id, phone: body.phone, agent: body.agent, at })) throw new UnavailableError('realtime_unavailable');
      return { status: 202, body: { agent: body.agent, at } };
    },
  }),
];
