/**
 * A fixed-window counter per key, in memory. Enough for one instance; with several instances behind a
 * balancer each keeps its own count (the effective limit is N × the limit), which is documented.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit for `key` at `now`; says whether it is allowed and, if not, how long until it will be. */
  hit(key: string, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    w.count += 1;
    if (w.count <= this.limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
  }

  /** Forget windows that have ended (keeps memory bounded under a spray of keys). */
  private sweep(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
