import { checkCalendarCoverage } from '../domain/calendar/coverage-alert.ts';
import type { Job } from './schedule.ts';

/**
 * Daily at 08:00 Asia/Shanghai, when supervisors are at work to read it, and once when the process starts:
 * the calendar coverage alert and the alerts about clocks awaiting the calendar (src/domain/calendar/coverage-alert.ts).
 */
export const calendarCoverageJob: Job = { name: 'calendar-coverage', cron: '0 8 * * *', onStart: true, run: checkCalendarCoverage };
