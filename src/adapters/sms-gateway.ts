import { randomUUID } from 'node:crypto';
import type { Config } from '../config.ts';

/** What a gateway answers for one message. `retryable: false` means trying again cannot help (bad number…). */
export type SendResult = { ok: true; id: string } | { ok: false; error: string; retryable: boolean };

/**
 * An SMS gateway: the one true external of notifications. A real provider (an operator's SMS platform,
 * a government messaging hub) implements this and is chosen by SMS_GATEWAY. It must not throw for an
 * ordinary refusal; a throw is treated as a retryable failure. It should time out well within the
 * deliverer's lease (LEASE_MS in src/domain/notifications/delivery.ts).
 */
export interface SmsGateway {
  readonly name: string;
  send(to: string, body: string): Promise<SendResult>;
}

/**
 * The default: sends nothing. The message stays in the outbox, marked sent, where an admin reads it
 * (GET /api/admin/notifications) — a centre without an SMS contract still sees exactly what would go out.
 */
export class RecordingGateway implements SmsGateway {
  readonly name = 'record';
  async send(): Promise<SendResult> {
    return { ok: true, id: `record-${randomUUID()}` };
  }
}

/** The gateway named by the configuration. A real one is added here (and to SMS_GATEWAYS in src/config.ts) when a contract exists. */
export function smsGatewayFor(config: Pick<Config, 'SMS_GATEWAY'>): SmsGateway {
  switch (config.SMS_GATEWAY) {
    case 'record':
      return new RecordingGateway();
  }
}
