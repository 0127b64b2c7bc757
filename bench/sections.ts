/**
 * Benchmark sections kept in their own files, run in this order after the built-in ones (bench/run.ts).
 * Add one line per section.
 */
import type { Section } from './lib/section.ts';
import { assistSection } from './assist.ts';
import { faultsSection } from './faults.ts';
import { latencySection } from './latency.ts';
import { realtime10k } from './realtime-10k.ts';
import { soakSection } from './soak.ts';

export const SECTIONS: Section[] = [faultsSection, latencySection, soakSection, realtime10k, assistSection];
