import { retrainNightly, trainFirstModels } from '../domain/assist/scheduled-training.ts';
import type { Job } from './schedule.ts';

/** Nightly at ASSIST_RETRAIN_CRON (02:23 Asia/Shanghai by default): retention, then both models retrained. */
export const assistRetrainJob: Job = { name: 'assist-retrain', cron: (config) => config.ASSIST_RETRAIN_CRON, run: retrainNightly };

/** At start (in the background: the app serves meanwhile) and hourly: a target with no model yet gets its first. */
export const assistFirstModelJob: Job = { name: 'assist-first-model', cron: '11 * * * *', run: trainFirstModels, onStart: true };
