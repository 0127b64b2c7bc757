/**
 * Closed-loop intake through nginx as careful clients send it: every ticket carries its own Idempotency-Key, and a
 * request that fails on the way (connection error, timeout, 5xx) is sent again with the same key and the same body
 * until it is acknowledged — the client's promise is "one ticket per key, whatever happens on the way".
 * Each key's story is kept: its attempts, failures, the ticket id and instance of the acknowledgement, whether
 * the answer was a replay (Idempotent-Replayed) of a ticket an earlier attempt had created.
 */
import { DEMO_API_TOKEN } from '../../../src/seed/city.ts';

export type Attempt = { at: number; status: number | 'network' | 'timeout' };
export type KeyRecord = {
  key: string;
  sentAt: number;
  /** failed attempts before the acknowledgement */
  failures: Attempt[];
  ackAt: number | null;
  /** when the acknowledged attempt was sent (an instance dead before it cannot have answered it) */
  ackSentAt: number | null;
  ticketId: number | null;
  status: number | null;
  servedBy: string | null;
  replayed: boolean;
  /** an answer that is neither a success nor worth retrying (4xx): a harness or product error */
  refused: string | null;
};

const RETRY_MS = 50;
const TIMEOUT_MS = 10_000;
/** A key still not acknowledged after this long is given up (and reported): never an endless loop. */
const GIVE_UP_MS = 60_000;

export function intakeBody(categoryIds: number[], key: string, i: number) {
  return {
    type: 'complaint',
    categoryId: categoryIds[i % categoryIds.length],
    // The key in the content: tickets are counted per key from the tickets table itself, not from idempotency_keys.
    content: `故障压测 ${key}：小区门口路灯不亮已经三天，夜间出行不便，请尽快处理。`,
    lat: 30.16 + ((i * 7919) % 1000) / 10000,
    lng: 120.1 + ((i * 104729) % 1000) / 10000,
    caller: { name: '压测', phone: `138${String((i * 7 + 12345) % 100_000_000).padStart(8, '0')}` },
  };
}

export const KEY_PATTERN = 'faults-[0-9]+-[0-9]+';

/** Sends one key's ticket until acknowledged (or refused, or given up). */
async function deliver(base: string, rec: KeyRecord, body: string, stopped: () => boolean): Promise<void> {
  for (;;) {
    const at = Date.now();
    try {
      const res = await fetch(`${base}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEMO_API_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': rec.key },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status === 200 || res.status === 201) {
        const json = JSON.parse(text) as { id: number };
        Object.assign(rec, {
          ackAt: Date.now(),
          ackSentAt: at,
          ticketId: json.id,
          status: res.status,
          servedBy: res.headers.get('x-served-by'),
          replayed: res.headers.get('idempotent-replayed') === 'true',
        });
        return;
      }
      if (res.status < 500) {
        rec.refused = `${res.status} ${text.slice(0, 300)}`;
        return;
      }
      rec.failures.push({ at, status: res.status });
    } catch (err) {
      rec.failures.push({ at, status: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network' });
    }
    if (Date.now() - rec.sentAt > GIVE_UP_MS || (stopped() && Date.now() - rec.sentAt > GIVE_UP_MS / 2)) return;
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

/**
 * `connections` loops, each sending its next key once the previous one is acknowledged, until `stop()` says so;
 * the key in hand is always finished (retried to its acknowledgement) before a loop ends.
 */
export function startIntakeLoad(o: { base: string; connections: number; categoryIds: number[]; run: string }) {
  const records: KeyRecord[] = [];
  let stopping = false;
  let n = 0;
  const loop = async () => {
    while (!stopping) {
      const i = n++;
      const rec: KeyRecord = {
        key: `faults-${o.run}-${i}`,
        sentAt: Date.now(),
        failures: [],
        ackAt: null,
        ackSentAt: null,
        ticketId: null,
        status: null,
        servedBy: null,
        replayed: false,
        refused: null,
      };
      records.push(rec);
      await deliver(o.base, rec, JSON.stringify(intakeBody(o.categoryIds, rec.key, i)), () => stopping);
      if (rec.refused) await new Promise((r) => setTimeout(r, RETRY_MS)); // a refusal is not a reason to spin
    }
  };
  const loops = Array.from({ length: o.connections }, loop);
  return {
    records,
    /** Stops sending new keys; resolves when every key in hand is acknowledged (or given up). */
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

/** Acknowledgements per second over [from, to). */
export function ackRate(records: KeyRecord[], from: number, to: number): number {
  const n = records.filter((r) => r.ackAt !== null && r.ackAt >= from && r.ackAt < to).length;
  return to > from ? n / ((to - from) / 1000) : 0;
}
