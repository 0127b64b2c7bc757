import { detectHotspots } from '../domain/hotspots/spike-alerts.ts';
import type { Job } from './schedule.ts';

/** Daily at 07:30 Asia/Shanghai, before the 08:00 supervisors' morning read: this week's spikes as alerts (src/domain/hotspots/spike-alerts.ts). */
export const hotspotsJob: Job = { name: 'hotspots', cron: '30 7 * * *', run: detectHotspots };
