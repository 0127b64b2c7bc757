/**
 * A benchmark section kept in its own file: `bench/sections.ts` lists them, `bench/run.ts` runs each one
 * after the built-in benchmarks when `--only` names it (or by default). A section pushes its table rows
 * (each figure beside the baseline measured in the same run), its raw results and its correctness checks.
 */
import type { PgServer } from './pg.ts';

export type Row = { bench: string; figure: string; value: string; baseline: string; ratio: string; goal: string; pass: boolean | null };

export type SectionContext = {
  /** The bench's own PostgreSQL server (bench/lib/pg.ts). */
  server: PgServer;
  /** --quick: tiny scale and loads of seconds (what the CI smoke test runs). */
  quick: boolean;
  scales: string[];
  rows: Row[];
  results: Record<string, unknown>;
  checks: Record<string, boolean>;
  log: (m: string) => void;
};

export type Section = { name: string; run: (ctx: SectionContext) => Promise<void> };
