-- The drill-down ledger's key in ticket order within each counter's day: (counter, day, ticket_id, unit_id, appealed)
-- instead of (counter, day, unit_id, appealed, ticket_id), the same columns. The drill-down of a large figure reads
-- the newest rows of each day from the top of this index instead of summing every row of the period per ticket
-- (src/domain/metrics/drill.ts, docs/metrics.md "Drill-down"). The key is rebuilt once; the rollup's upsert names
-- the same columns. The key also carries `value` (INCLUDE, written here by hand: the schema cannot say it), so the
-- walk and the period's sums are read from the index alone, a district's filter on unit_id without a heap fetch per
-- row of the city.
ALTER TABLE "metrics_ticket_ledger" DROP CONSTRAINT "metrics_ticket_ledger_counter_day_unit_id_appealed_ticket_id_pk";--> statement-breakpoint
ALTER TABLE "metrics_ticket_ledger" ADD CONSTRAINT "metrics_ticket_ledger_counter_day_ticket_id_unit_id_appealed_pk" PRIMARY KEY("counter","day","ticket_id","unit_id","appealed") INCLUDE ("value");