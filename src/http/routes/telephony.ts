import { z } from 'zod';
import { popCallerScreen, TELEPHONY_USERNAME } from '../../domain/telephony/screen-pop.ts';
import { phone } from '../../domain/tickets/inputs.ts';
import { route, type AnyRoute } from '../route.ts';

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
    handler: async ({ deps, actor, body }) => ({ status: 202, body: await popCallerScreen(deps, actor, body) }),
  }),
];
