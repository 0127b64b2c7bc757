/**
 * A local OpenAI-compatible endpoint for the language-model tests: a real HTTP server on a free port that records
 * every request it receives (path, headers, body as text) and answers as the test says — a completion, an error
 * status, something that is not JSON, or nothing at all (a hang, for the timeout).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Seen = { method: string; path: string; headers: http.IncomingHttpHeaders; text: string; json: any };
export type Answer = { status?: number; body: string } | 'hang';

export type FakeLlm = {
  /** e.g. http://127.0.0.1:PORT/v1 — what LLM_BASE_URL is set to */
  baseUrl: string;
  seen: Seen[];
  /** What the next requests are answered with (until changed) */
  answer(a: Answer | ((req: Seen) => Answer)): void;
  close(): Promise<void>;
};

/** A chat completion whose first choice says `content`, as an OpenAI-compatible server sends it. */
export const completion = (content: string) =>
  JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });

export async function startFakeLlm(): Promise<FakeLlm> {
  const seen: Seen[] = [];
  let next: Answer | ((req: Seen) => Answer) = { body: completion('（测试摘要）') };
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* recorded as text */
      }
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, text, json };
      seen.push(s);
      const a = typeof next === 'function' ? next(s) : next;
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    answer: (a) => void (next = a),
    close: () =>
      new Promise<void>((r) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
