/**
 * Child process: the baseline for realtime — a bare socket.io 4.8 server (no auth, no rooms, no adapter, no
 * database). IPC 'arm' starts a round in the probe; 'trigger' does io.emit of an event-shaped message to every
 * socket; 'timeline', 'clock', 'profile' and 'rss' answer as in realtime-server.ts (the same probe, rt-probe.ts).
 */
import http from 'node:http';
import { Server } from 'socket.io';
import { endRound, installProbe, markPublish, markTrigger, now, saveProfile, startRound } from './rt-probe.ts';
import { serveParent } from './child.ts';

installProbe();

const server = http.createServer((_req, res) => res.writeHead(404).end());
const io = new Server(server, { serveClient: false });
let id = 0;
serveParent(server, {
  stop: () => void io.close(),
  rss: () => ({ sockets: io.engine.clientsCount }),
  on: async (m) => {
    if (m.type === 'clock') process.send!({ type: 'clock', now: now() });
    if (m.type === 'timeline') process.send!({ type: 'timeline', round: endRound() });
    if (m.type === 'profile') await saveProfile('bare'), process.send!({ type: 'profiled' });
    if (m.type === 'arm') {
      startRound();
      process.send!({ type: 'armed' });
    }
    if (m.type === 'trigger') {
      markTrigger();
      const publishedAt = now();
      markPublish();
      io.emit('ticket:event', {
        id: ++id,
        type: 'note',
        ticketId: m.ticketId,
        assignmentId: null,
        version: m.version,
        toStatus: null,
        at: new Date().toISOString(),
      });
      process.send!({ type: 'triggered', publishedAt });
    }
  },
});
