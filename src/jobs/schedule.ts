import cron, { type ScheduledTask } from 'node-cron';
import type { Deps } from '../deps.ts';
import type { Config } from '../config.ts';

/** A job body takes the deps and the instant it runs for (injected clock: tests call run() directly). */
export type Job = {
  name: string;
  /** node-cron expression, evaluated in Asia/Shanghai (or read from the configuration) */
  cron: string | ((config: Config) => string);
  run(deps: Deps, now: Date): Promise<unknown>;
  /** Also run once as soon as the jobs start (a check that should not wait for its first scheduled time) */
  onStart?: boolean;
};

/** Schedules every job; a run still going when the next is due is skipped (noOverlap), not stacked. */
export function startJobs(deps: Deps, jobs: Job[]): { stop(): Promise<void> } {
  const tasks: ScheduledTask[] = [];
  // Runs in progress: stop() waits for them, so the database is not closed under a sweep's transaction.
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    const once = async () => {
      if (stopped) return;
      const run = (async () => {
        try {
          await job.run(deps, deps.clock.now());
        } catch (err) {
          deps.logger.error({ err, job: job.name }, 'job failed');
        }
      })();
      running.add(run);
      try {
        await run;
      } finally {
        running.delete(run);
      }
    };
    const task = cron.schedule(typeof job.cron === 'function' ? job.cron(deps.config) : job.cron, once, {
      name: job.name,
      timezone: 'Asia/Shanghai',
      noOverlap: true,
    });
    tasks.push(task);
    if (job.onStart) void once();
  }
  return {
    async stop() {
      stopped = true;
      for (const t of tasks) await t.stop();
      await Promise.all([...running]);
    },
  };
}
