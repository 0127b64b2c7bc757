/**
 * The fault run, shared by the bench section (bench/faults.ts) and the cluster test
 * (test/scale/faults.test.ts): two instances behind nginx under retrying intake load, socket clients through
 * nginx, SLA marks falling due all along; one instance killed with SIGKILL mid-load. Then, from the database:
 * every acknowledged ticket there once (counted per Idempotency-Key from the tickets themselves), every retry
 * answered with its key's ticket, the survivor's throughput, the sockets that lost their instance reconnected
 * with no event missed, every SLA warning fired exactly once.
 */
import postgres from 'postgres';
import { closeClients, connectClients, type SocketClient } from './sockets.ts';
import { ackRate, KEY_PATTERN, startIntakeLoad, type KeyRecord } from './intake-load.ts';
import { checkSweep, startMarking, type SweepCheck } from './sla.ts';
import { staffTokens, startTopology } from './topology.ts';

export type FaultOptions = {
  /** a migrated database with the demo city seeded, nobody else writing to it */
  url: string;
  connections: number;
  seconds: number;
  /** seconds of load before the measured run starts */
  warmup: number;
  /** when the kill falls, in seconds from the start of the measured run */
  killAt: number;
  sockets: number;
  log?: (m: string) => void;
};

export type FaultReport = {
  connections: number;
  seconds: number;
  killAtSeconds: number;
  tickets: {
    keys: number;
    acknowledged: number;
    /** keys never acknowledged (refused with a 4xx, or given up after a minute) */
    unacknowledged: number;
    refused: string[];
    inDatabase: number;
    /** acknowledged keys whose ticket is not in the database, or not the one acknowledged */
    lost: number;
    /** keys with more than one ticket */
    doubled: number;
    /** tickets whose key was never acknowledged */
    orphans: number;
    acknowledgedBy: Record<string, number>;
  };
  retries: {
    /** keys with at least one failed attempt before their acknowledgement */
    keys: number;
    attempts: number;
    /** of which the acknowledgement was a replay of the ticket an earlier attempt had created */
    replayed: number;
    /** keys with a failure whose attempt was in flight when the instance died */
    inFlightAtKill: number;
    /** retried keys answered with the ticket the database holds for their key */
    gotTheirTicket: number;
  };
  throughput: { before: number; after: number; ratio: number; survivorAfterKill: number; killedAfterKill: number };
  /** from the kill until the last key that failed on the way was acknowledged */
  recoveryMs: number;
  /** the longest stretch without an acknowledgement, around the kill */
  longestGapMs: number;
  sockets: {
    clients: number;
    lostTheirInstance: number;
    reconnected: number;
    connectedAtEnd: number;
    expectedEvents: number;
    /** missed events summed over the sockets that reconnected (must be 0) */
    missedAfterReconnect: number;
    /** missed events summed over the sockets that stayed on the survivor */
    missedStaying: number;
    duplicates: number;
    repeats: number;
    catchUpEvents: number;
    reconnectMs: { max: number };
    /** distinct events some socket missed, by type (staying: on the survivor all along) */
    missedByType: { reconnected: Record<string, number>; staying: Record<string, number> };
    /** the baseline: sockets naming the highest id heard when they reconnect */
    legacy: { clients: number; lostTheirInstance: number; reconnected: number; missedAfterReconnect: number };
  };
  sweep: SweepCheck;
  checks: Record<string, boolean>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFaults(o: FaultOptions): Promise<FaultReport> {
  const log = o.log ?? (() => {});
  const run = String(Date.now());
  const sql = postgres(o.url, { max: 2, onnotice: () => {} });
  const [cat] = await sql<{ ids: number[] }[]>`select array_agg(id order by id) as ids from categories where auto_dispatch`;
  const [portal] = await sql<{ id: number }[]>`select id from users where username = 'portal'`;
  // Besides the clients that reconnect as the web app does, a few that name the highest id heard (the web app's
  // cursor before web/src/live-cursor.ts): the baseline that shows what the cursor is for.
  const legacyN = Math.max(2, Math.round(o.sockets / 5));
  const tokens = await staffTokens(sql, o.sockets + legacyN, run);
  log('faults: starting two instances and nginx…');
  const topo = await startTopology(o.url, { sweepBatch: 4 });
  let clients: SocketClient[] = [];
  let legacy: SocketClient[] = [];
  try {
    const [since] = await sql<{ id: number }[]>`select coalesce(max(id), 0)::int as id from ticket_events`;
    clients = await connectClients(topo.nginx.base, tokens.slice(0, o.sockets), since!.id);
    legacy = await connectClients(topo.nginx.base, tokens.slice(o.sockets), since!.id, 0, 'legacy');
    log(`faults: ${clients.length} sockets through nginx; load ${o.connections} connections for ${o.seconds} s, kill -9 of app1 at ${o.killAt} s`);
    const load = startIntakeLoad({ base: topo.nginx.base, connections: o.connections, categoryIds: cat!.ids, run });
    // Warm-up (both instances compile their hot paths): its acknowledgements count for the checks, not the rates.
    await sleep(o.warmup * 1000);
    const t0 = Date.now();
    const marking = startMarking(sql, { everyMs: 300, perTick: 4 });
    await sleep(o.killAt * 1000);
    const killedAt = Date.now();
    topo.apps[0]!.child.kill('SIGKILL');
    await sleep(Math.max(0, t0 + o.seconds * 1000 - Date.now() - 1500));
    await marking.stop(); // the last marks fall due within a second: the sweep fires them while the load runs on
    await sleep(Math.max(0, t0 + o.seconds * 1000 - Date.now()));
    const end = Date.now();
    await load.stop();
    const sweep = await checkSweep(sql, marking.marked, 30_000);

    // Every event since the clients connected; the sockets get a moment to hear the last ones.
    const events = await sql<{ id: number; type: string }[]>`select id::int, type::text from ticket_events where id > ${since!.id} order by id`;
    const expected = events.map((r) => r.id);
    const typeOf = new Map(events.map((e) => [e.id, e.type]));
    const heardAll = () => [...clients, ...legacy].reduce((a, c) => a + c.heard.size + c.repeats, 0);
    // The survivor tells its own sockets of the killed instance's unrelayed events once the adapter's heartbeat
    // times out (10 s, checked every second): their catch-ups come after that.
    await sleep(Math.max(0, killedAt + 13_000 - Date.now()));
    for (let last = -1, until = Date.now() + 10_000; Date.now() < until && last !== heardAll(); ) {
      last = heardAll();
      await sleep(1500);
    }

    const report = await measure(sql, { records: load.records, clients, legacy, expected, typeOf, sweep, portal: portal!.id, t0, killedAt, end, o });
    return report;
  } finally {
    closeClients([...clients, ...legacy]);
    await topo.stop();
    await sql.end();
  }
}

async function measure(
  sql: postgres.Sql,
  m: {
    records: KeyRecord[];
    clients: SocketClient[];
    legacy: SocketClient[];
    expected: number[];
    typeOf: Map<number, string>;
    sweep: SweepCheck;
    portal: number;
    t0: number;
    killedAt: number;
    end: number;
    o: FaultOptions;
  },
): Promise<FaultReport> {
  const { records, clients, expected, killedAt } = m;
  // Tickets per key, from the tickets themselves (the key is in each ticket's content).
  const rows = await sql<{ key: string; n: number; ids: number[] }[]>`
    select substring(content from ${KEY_PATTERN}) as key, count(*)::int as n, array_agg(id::int order by id) as ids
      from tickets where created_by = ${m.portal} and content like '故障压测 faults-%' group by 1`;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const acked = records.filter((r) => r.ticketId !== null);
  const ackedKeys = new Set(acked.map((r) => r.key));
  const lost = acked.filter((r) => byKey.get(r.key)?.ids[0] !== r.ticketId || byKey.get(r.key)?.n !== 1).length;
  const retried = acked.filter((r) => r.failures.length > 0);
  const acknowledgedBy: Record<string, number> = {};
  for (const r of acked) acknowledgedBy[r.servedBy ?? '?'] = (acknowledgedBy[r.servedBy ?? '?'] ?? 0) + 1;

  // Nothing fails but for the kill: recovered when the last key that failed on the way got its acknowledgement.
  const recoveryMs = Math.max(0, ...retried.map((r) => r.ackAt! - killedAt));
  const acks = acked.map((r) => r.ackAt!).sort((a, b) => a - b);
  let longestGapMs = 0;
  for (let i = 1; i < acks.length; i++) if (acks[i]! > killedAt - 5000) longestGapMs = Math.max(longestGapMs, acks[i]! - acks[i - 1]!);
  const before = ackRate(records, m.t0, killedAt);
  const afterFrom = Math.min(killedAt + recoveryMs, m.end - 500);
  const after = ackRate(records, afterFrom, m.end);
  // By when the attempt was sent, not when its answer was read: this process's event loop lags on a busy machine.
  const servedAfter = (id: string) => acked.filter((r) => r.ackSentAt! > killedAt && r.servedBy === id).length;

  const missed = (c: SocketClient) => expected.filter((id) => !c.heard.has(id)).length;
  const lostInstance = clients.filter((c) => c.disconnects.length > 0);
  const staying = clients.filter((c) => c.disconnects.length === 0);
  const legacyLost = m.legacy.filter((c) => c.disconnects.length > 0);
  const reconnected = lostInstance.filter((c) => c.reconnects.length > 0 && c.socket.connected);
  const reconnectMs = lostInstance.map((c) => (c.reconnects[0] ?? Number.POSITIVE_INFINITY) - c.disconnects[0]!.at);
  const sum = (cs: SocketClient[], f: (c: SocketClient) => number) => cs.reduce((a, c) => a + f(c), 0);
  const byType = (cs: SocketClient[]) => {
    const out: Record<string, number> = {};
    for (const id of expected)
      if (cs.some((c) => !c.heard.has(id))) {
        const t = m.typeOf.get(id) ?? '?';
        out[t] = (out[t] ?? 0) + 1;
      }
    return out;
  };

  const r1 = (n: number) => Math.round(n * 10) / 10;
  const report: FaultReport = {
    connections: m.o.connections,
    seconds: m.o.seconds,
    killAtSeconds: m.o.killAt,
    tickets: {
      keys: records.length,
      acknowledged: acked.length,
      unacknowledged: records.length - acked.length,
      refused: records.filter((r) => r.refused).map((r) => `${r.key}: ${r.refused}`),
      inDatabase: rows.reduce((a, r) => a + r.n, 0),
      lost,
      doubled: rows.filter((r) => r.n > 1).length,
      orphans: rows.filter((r) => !ackedKeys.has(r.key)).length,
      acknowledgedBy,
    },
    retries: {
      keys: retried.length,
      attempts: retried.reduce((a, r) => a + r.failures.length, 0),
      replayed: retried.filter((r) => r.replayed).length,
      inFlightAtKill: records.filter((r) => r.failures.some((f) => f.at < killedAt)).length,
      gotTheirTicket: retried.filter((r) => byKey.get(r.key)?.n === 1 && byKey.get(r.key)?.ids[0] === r.ticketId).length,
    },
    throughput: {
      before: r1(before),
      after: r1(after),
      ratio: before > 0 ? Math.round((after / before) * 100) / 100 : 0,
      survivorAfterKill: servedAfter('app2'),
      killedAfterKill: servedAfter('app1'),
    },
    recoveryMs: Math.round(recoveryMs),
    longestGapMs: Math.round(longestGapMs),
    sockets: {
      clients: clients.length,
      lostTheirInstance: lostInstance.length,
      reconnected: reconnected.length,
      connectedAtEnd: clients.filter((c) => c.socket.connected).length,
      expectedEvents: expected.length,
      missedAfterReconnect: sum(lostInstance, missed),
      missedStaying: sum(staying, missed),
      duplicates: sum(clients, (c) => c.duplicates),
      repeats: sum(clients, (c) => c.repeats),
      catchUpEvents: sum(clients, (c) => c.catchUps.reduce((a, u) => a + u.count, 0)),
      reconnectMs: { max: Math.round(Math.max(0, ...reconnectMs)) },
      missedByType: { reconnected: byType(lostInstance), staying: byType(staying) },
      legacy: {
        clients: m.legacy.length,
        lostTheirInstance: legacyLost.length,
        reconnected: legacyLost.filter((c) => c.reconnects.length > 0 && c.socket.connected).length,
        missedAfterReconnect: sum(legacyLost, missed),
      },
    },
    sweep: m.sweep,
    checks: {},
  };
  const t = report.tickets;
  report.checks = {
    faultsNoTicketLostOrDoubled: t.acknowledged > 0 && t.unacknowledged === 0 && t.lost === 0 && t.doubled === 0 && t.orphans === 0,
    faultsRetriesGotTheirTicket: report.retries.keys > 0 && report.retries.gotTheirTicket === report.retries.keys,
    faultsSurvivorCarriesOn: report.throughput.survivorAfterKill > 0 && report.throughput.killedAfterKill === 0,
    faultsSocketsReconnectedAndCaughtUp:
      report.sockets.lostTheirInstance > 0 &&
      report.sockets.reconnected === report.sockets.lostTheirInstance &&
      report.sockets.connectedAtEnd === clients.length &&
      report.sockets.missedAfterReconnect === 0 &&
      report.sockets.missedStaying === 0 &&
      report.sockets.duplicates === 0,
    faultsSweepWarningsOnce: m.sweep.ok,
  };
  return report;
}
