/**
 * Events an instance committed but never relayed. Each instance relays its own events to the others (one NOTIFY
 * after commit); an instance killed between a commit and that NOTIFY takes the relay with it, and the sockets on
 * the other instances — which never disconnected, so never catch up — would not hear those events at all.
 *
 * The postgres adapter notices a silent peer by its heartbeat (none for `heartbeatTimeout`, 10 s); a peer that
 * closes cleanly says so (ADAPTER_CLOSE) after draining, and needs nothing. When a peer goes silent, this
 * instance tells its own sockets which event id may have been missed after ('missed-events'); each asks for a
 * catch-up from there (the replay path every reconnect uses, which checks what the user may see), and the client's
 * cursor drops what it had already heard.
 */
import { lt, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ticketEvents } from '../../db/schema/index.ts';

/**
 * How far before the dead peer's last heartbeat an unrelayed event may have been written: its transaction's
 * clock (created_at) starts before the commit, and the relay follows the commit. Generous; a replay only repeats
 * events the cursor drops.
 */
export const UNRELAYED_MARGIN_MS = 30_000;

/** What this needs of the Socket.IO server (src/realtime/server.ts's, which imports this module). */
type Io = { of(nsp: '/'): { adapter: unknown }; local: { emit(ev: 'missed-events', info: { after: number }): unknown } };

/** The adapter's peer book-keeping (socket.io-adapter's ClusterAdapterWithHeartbeat), as far as this needs it. */
type HeartbeatAdapter = { nodesMap?: Map<string, number>; removeNode?: (uid: string) => void; _opts?: { heartbeatTimeout?: number } };

/**
 * Calls `lost(lastSeen)` when a peer is dropped for silence (not when it closed cleanly). socket.io-adapter has no
 * event for it, so its removeNode is wrapped; without that method (another adapter, one instance) this does nothing.
 */
export function onPeerSilent(io: Io, lost: (lastSeen: number) => void): void {
  const adapter = io.of('/').adapter as unknown as HeartbeatAdapter;
  const remove = adapter.removeNode?.bind(adapter);
  const nodes = adapter.nodesMap;
  if (!remove || !nodes) return;
  adapter.removeNode = (uid: string) => {
    const lastSeen = nodes.get(uid);
    remove(uid);
    if (lastSeen !== undefined && Date.now() - lastSeen > (adapter._opts?.heartbeatTimeout ?? 10_000)) lost(lastSeen);
  };
}

/** Tells this instance's sockets the event id after which they may have missed events of a peer silent since `lastSeen`. */
export async function announceMissed(io: Io, db: Db, lastSeen: number): Promise<number> {
  const [row] = await db
    .select({ id: max(ticketEvents.id) })
    .from(ticketEvents)
    .where(lt(ticketEvents.createdAt, new Date(lastSeen - UNRELAYED_MARGIN_MS)));
  const after = Number(row?.id ?? 0);
  io.local.emit('missed-events', { after });
  return after;
}
