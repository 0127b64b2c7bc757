/**
 * Child process: the product's realtime layer alone — src/realtime/server.ts attachRealtime on a plain HTTP
 * server, with its real handshake auth (bearer tokens looked up in the database) and, on PostgreSQL, the
 * @socket.io/postgres-adapter — on DATABASE_URL, logging off.
 *
 * Two of these on one database are two instances (the adapter relays each event to the other's sockets).
 *
 * IPC: 'arm' starts a round in the probe (every instance of the round, before the trigger; answers 'armed');
 * 'trigger' { ticketId, version } records one real ticket event through inTransaction/record (the path
 * every command takes: insert, audience query, publish after commit → rooms → emit) and answers
 * 'triggered'; 'timeline' answers the round's server-side timestamps (rt-probe.ts: trigger, publish, first
 * and last frame written, GC, CPU); 'clock' answers this process's clock; 'profile' writes the rounds' CPU
 * profile if BENCH_RT_CPU_PROF names a folder (rt-probe.ts); 'rss' answers its memory; 'stop' closes.
 */
import http from 'node:http';
import { pino } from 'pino';
import { connect } from '../../db/client.ts';
import { loadConfig } from '../../src/config.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { EventBus } from '../../src/domain/events.ts';
import { CalendarStore } from '../../src/domain/calendar/store.ts';
import { systemActor } from '../../src/domain/auth/actor.ts';
import { inTransaction } from '../../src/domain/tickets/record.ts';
import { attachRealtime } from '../../src/realtime/server.ts';
import type { Deps } from '../../src/deps.ts';
import type { TicketEventPayloads } from '../../src/contract/events.ts';
import { serveParent } from './child.ts';
import { endRound, installProbe, markPublish, markTrigger, now, saveProfile, startRound } from './rt-probe.ts';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', JOBS: 'false', LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
const database = await connect({ url: process.env.DATABASE_URL!, max: 10 });
const deps: Deps = {
  db: database.db,
  database,
  config,
  logger: pino({ level: 'silent' }),
  clock: systemClock,
  bus: new EventBus(),
  calendar: new CalendarStore(),
};
installProbe();
// Subscribed before the realtime layer: the instant each event is published (after commit), just before its emit.
let publishedAt = 0;
deps.bus.subscribe(() => {
  publishedAt = now();
  markPublish();
});
const server = http.createServer((_req, res) => res.writeHead(404).end());
const realtime = await attachRealtime(server, deps);
serveParent(server, {
  stop: async () => {
    await realtime.close();
    server.close();
    await database.close();
  },
  rss: () => ({ sockets: realtime.io.engine.clientsCount }),
  on: async (m) => {
    if (m.type === 'clock') process.send!({ type: 'clock', now: now() });
    if (m.type === 'timeline') process.send!({ type: 'timeline', round: endRound() });
    if (m.type === 'profile') await saveProfile('jiesu'), process.send!({ type: 'profiled' });
    if (m.type === 'arm') {
      startRound();
      process.send!({ type: 'armed' });
    }
    if (m.type === 'trigger') {
      markTrigger();
      await inTransaction(deps, async (_tx, record) => {
        // A synthetic note, by no unit: only its way to the sockets is timed, so its payload marks it as the bench's.
        const payload = { bench: true } as unknown as TicketEventPayloads['note'];
        await record(systemActor('supervisor'), { ticketId: m.ticketId!, type: 'note', version: m.version!, payload });
      });
      process.send!({ type: 'triggered', publishedAt });
    }
  },
});
