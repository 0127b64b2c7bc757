/** A socket that counts the 'inbox:changed' it receives (test/realtime/inbox*.test.ts). */
import { io as connectClient, type Socket } from 'socket.io-client';

export type InboxListener = {
  socket: Socket;
  /** How many 'inbox:changed' arrived so far */
  count(): number;
  /** Resolves once `n` have arrived in all; rejects after `ms` */
  next(n: number, ms?: number): Promise<void>;
};

/** Connects as the bearer of `token` to the instance at `base` (no reconnection) and counts from the start. */
export async function listenInbox(base: string, token: string, name: string): Promise<InboxListener> {
  const socket = connectClient(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  let seen = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  socket.on('inbox:changed', () => {
    seen++;
    for (const wt of waiters.filter((x) => x.n <= seen)) wt.resolve();
  });
  return {
    socket,
    count: () => seen,
    next: (n, ms = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (seen >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`${name}: ${seen} of ${n} inbox:changed in ${ms} ms`)), ms);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      }),
  };
}
