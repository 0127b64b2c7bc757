import type { Deps } from '../deps.ts';
import { smsGatewayFor, type SmsGateway } from '../adapters/sms-gateway.ts';
import { deliver } from '../domain/notifications/delivery.ts';
import type { Job } from './schedule.ts';

/** One gateway per configuration, so a real gateway's connection pool or token cache lives across runs. */
const gateways = new WeakMap<object, SmsGateway>();
function gatewayOf(deps: Deps): SmsGateway {
  let g = gateways.get(deps.config);
  if (!g) gateways.set(deps.config, (g = smsGatewayFor(deps.config)));
  return g;
}

/** Every minute: the outbox's due messages through the configured gateway (src/domain/notifications/delivery.ts). */
export const notifyJob: Job = {
  name: 'notify',
  cron: '* * * * *',
  run: (deps, now) => deliver(deps, now, { batchSize: deps.config.NOTIFY_BATCH_SIZE, gateway: gatewayOf(deps) }),
};
