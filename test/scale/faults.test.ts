/**
 * Faults at scale (one instance killed under load: no acknowledged ticket lost or doubled), at a small load: two instances (`src/main.ts`, jobs on, the SLA sweep every
 * second on both) behind Debian's nginx on a throw-away PostgreSQL server, intake through nginx whose clients
 * retry with their Idempotency-Key, staff sockets through nginx, SLA marks falling due all along, and one instance
 * killed with SIGKILL mid-load (bench/lib/faults/run.ts, which the bench's `faults` section runs at a larger load).
 * Without nginx or PostgreSQL's server binaries it fails, never skips (`npm run test:debian`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, migrate } from '../../db/client.ts';
import { keyringOf, TEST_KEYS, useKeyring } from '../../src/domain/privacy/keyring.ts';
import { seedDemo } from '../../src/seed/city.ts';
import { runFaults, type FaultReport } from '../../bench/lib/faults/run.ts';
import { removeDir } from '../setup/cluster.ts';
import { startPgServer, type PgServer } from '../setup/postgres.ts';

let pg: PgServer;
let r: FaultReport;

beforeAll(async () => {
  pg = startPgServer({ prefix: 'jiesu-faults-' });
  useKeyring(keyringOf(TEST_KEYS));
  const database = await connect({ url: pg.url, max: 2 });
  try {
    await migrate(database, pg.url);
    await seedDemo(database.db);
  } finally {
    await database.close();
  }
  r = await runFaults({ url: pg.url, connections: 4, warmup: 1, seconds: 6, killAt: 2.5, sockets: 6 });
}, 240_000);

afterAll(() => {
  pg?.stop('immediate');
  removeDir(pg?.dir);
});

describe('one of two instances behind nginx killed with SIGKILL under intake load', () => {
  it('loses no acknowledged ticket and doubles none: one ticket per Idempotency-Key, the one acknowledged', () => {
    expect(r.tickets.refused).toEqual([]);
    expect(r.tickets.acknowledged).toBeGreaterThan(0);
    expect(r.tickets).toMatchObject({ unacknowledged: 0, lost: 0, doubled: 0, orphans: 0, inDatabase: r.tickets.acknowledged });
  });

  it('answers every client that retried with its key with that key’s ticket', () => {
    expect(r.retries.keys).toBeGreaterThan(0); // the kill fell mid-request
    expect(r.retries.gotTheirTicket).toBe(r.retries.keys);
  });

  it('the other instance carries on alone', () => {
    expect(r.throughput.survivorAfterKill).toBeGreaterThan(0);
    expect(r.throughput.killedAfterKill).toBe(0);
    expect(r.throughput.after).toBeGreaterThan(0);
  });

  it('sockets that lost their instance reconnect to the other and catch up with every event they missed, once each', () => {
    expect(r.sockets.lostTheirInstance).toBeGreaterThan(0);
    expect(r.sockets.reconnected).toBe(r.sockets.lostTheirInstance);
    expect(r.sockets.connectedAtEnd).toBe(r.sockets.clients);
    expect(r.sockets.missedAfterReconnect).toBe(0);
    // The survivor's own sockets too: what the killed instance committed but never relayed comes by 'missed-events'.
    expect(r.sockets.missedStaying).toBe(0);
    expect(r.sockets.duplicates).toBe(0);
  });

  it('two sweepers across the kill fire each SLA warning exactly once', () => {
    expect(r.sweep.assignments).toBeGreaterThan(0);
    expect(r.sweep).toMatchObject({ missing: 0, doubled: 0, stillDue: 0, once: r.sweep.expected });
  });
});
