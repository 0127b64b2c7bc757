import type { Job } from './schedule.ts';

/** Every scheduled job of the product; main.ts schedules this list (JOBS=false turns it off). */
export const jobs: Job[] = [];
