CREATE TABLE "metrics_ticket_ledger" (
	"counter" text NOT NULL,
	"day" date NOT NULL,
	"unit_id" integer NOT NULL,
	"appealed" boolean NOT NULL,
	"ticket_id" bigint NOT NULL,
	"value" integer NOT NULL,
	CONSTRAINT "metrics_ticket_ledger_counter_day_unit_id_appealed_ticket_id_pk" PRIMARY KEY("counter","day","unit_id","appealed","ticket_id")
);
--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "callbacks_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "callbacks_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "callbacks_due_terminated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "callbacks_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "callbacks_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "callbacks_due_terminated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_rollup_state" ADD COLUMN "ledger_built" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_rollup_state" ADD COLUMN "ledger_cursor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "callbacks_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "callbacks_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "callbacks_due_terminated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "callbacks_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "callbacks_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "callbacks_due_terminated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "callbacks_due" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "callbacks_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "callbacks_due_terminated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "metrics_ticket_ledger_unit_idx" ON "metrics_ticket_ledger" USING btree ("counter","unit_id","day");--> statement-breakpoint
CREATE INDEX "metrics_ticket_ledger_ticket_idx" ON "metrics_ticket_ledger" USING btree ("ticket_id");--> statement-breakpoint
-- A database that counted events before the ledger existed rebuilds it (the rollup job, src/domain/metrics/ledger-rebuild.ts).
UPDATE "metrics_rollup_state" SET "ledger_built" = false WHERE "events_processed" > 0;
--> statement-breakpoint
-- The subtree grain's rebuild lists every counter column: replaced with the list that has the callback-coverage counters.
CREATE OR REPLACE FUNCTION "metrics_subtree_rebuild"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  affected int[];
BEGIN
  SELECT array_agg(DISTINCT x::int) INTO affected
  FROM old_units o JOIN new_units n ON n."id" = o."id" AND n."path" IS DISTINCT FROM o."path"
  CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from o."path"), '/') || string_to_array(trim(both '/' from n."path"), '/')) AS x
  WHERE x ~ '^[0-9]+$';
  IF affected IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(7212346);
  DELETE FROM "metrics_subtree_monthly" WHERE "unit_id" = ANY (affected);
  INSERT INTO "metrics_subtree_monthly" ("month", "unit_id", "appealed", "contacts", "repeat_contacts", "direct_answers", "not_accepted", "dispatched", "signed_on_time", "sign_pending", "replied", "lead_dispatched", "lead_returned", "completed", "handed_down", "lead_handed_down", "response_due", "lead_response_due", "responded_on_time", "lead_responded_on_time", "response_pending", "lead_response_pending", "complete_due", "replied_due", "complete_pending", "lead_complete_due", "completed_due", "lead_complete_returned", "lead_complete_pending", "closed", "completion_judged", "closed_on_time", "sub_completion_judged", "sub_closed_on_time", "closed_redone", "reopened", "callbacks_concluded", "callback_attempts", "callbacks_valid", "solved_answers", "solved", "partly_solved", "rated", "satisfied", "basically_satisfied", "dispatch_decisions", "dispatch_wait_minutes", "dispatch_on_time", "reviews_decided", "reviews_on_time", "callback_rounds", "callbacks_on_time", "callbacks_due", "callbacks_made", "callbacks_due_terminated")
    SELECT m."month", a.id::int, m."appealed", sum(m."contacts")::int, sum(m."repeat_contacts")::int, sum(m."direct_answers")::int, sum(m."not_accepted")::int, sum(m."dispatched")::int, sum(m."signed_on_time")::int, sum(m."sign_pending")::int, sum(m."replied")::int, sum(m."lead_dispatched")::int, sum(m."lead_returned")::int, sum(m."completed")::int, sum(m."handed_down")::int, sum(m."lead_handed_down")::int, sum(m."response_due")::int, sum(m."lead_response_due")::int, sum(m."responded_on_time")::int, sum(m."lead_responded_on_time")::int, sum(m."response_pending")::int, sum(m."lead_response_pending")::int, sum(m."complete_due")::int, sum(m."replied_due")::int, sum(m."complete_pending")::int, sum(m."lead_complete_due")::int, sum(m."completed_due")::int, sum(m."lead_complete_returned")::int, sum(m."lead_complete_pending")::int, sum(m."closed")::int, sum(m."completion_judged")::int, sum(m."closed_on_time")::int, sum(m."sub_completion_judged")::int, sum(m."sub_closed_on_time")::int, sum(m."closed_redone")::int, sum(m."reopened")::int, sum(m."callbacks_concluded")::int, sum(m."callback_attempts")::int, sum(m."callbacks_valid")::int, sum(m."solved_answers")::int, sum(m."solved")::int, sum(m."partly_solved")::int, sum(m."rated")::int, sum(m."satisfied")::int, sum(m."basically_satisfied")::int, sum(m."dispatch_decisions")::int, sum(m."dispatch_wait_minutes")::int, sum(m."dispatch_on_time")::int, sum(m."reviews_decided")::int, sum(m."reviews_on_time")::int, sum(m."callback_rounds")::int, sum(m."callbacks_on_time")::int, sum(m."callbacks_due")::int, sum(m."callbacks_made")::int, sum(m."callbacks_due_terminated")::int
    FROM "metrics_unit_monthly" m
    CROSS JOIN LATERAL unnest(CASE WHEN m."unit_id" = 0 THEN ARRAY['0']
      ELSE string_to_array(trim(both '/' from (SELECT u."path" FROM "units" u WHERE u."id" = m."unit_id")), '/') END) AS a(id)
    WHERE m."unit_id" <> 0 AND (CASE WHEN a.id ~ '^[0-9]+$' THEN a.id::int END) = ANY (affected)
    GROUP BY 1, 2, 3;
  RETURN NULL;
END
$$;
