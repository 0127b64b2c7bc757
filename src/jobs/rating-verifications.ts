import { sweepVerifications } from '../domain/ratings/sweep.ts';
import type { Job } from './schedule.ts';

/** 差评核实 clocks: deadlines placed once the calendar covers them, warnings and overdue, every five minutes. */
export const ratingVerificationsJob: Job = { name: 'rating-verifications', cron: '*/5 * * * *', run: (deps, now) => sweepVerifications(deps, now) };
