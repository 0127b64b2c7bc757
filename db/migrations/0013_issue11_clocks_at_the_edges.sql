ALTER TABLE "assignments" ADD COLUMN "first_contact_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "sla_waiting" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "clocks_stopped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "complete_missed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "callback_round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "status_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "assignments_sla_waiting_idx" ON "assignments" USING btree ("ticket_id") WHERE "assignments"."sla_waiting" <> '[]'::jsonb;--> statement-breakpoint
-- Backfill: the centre's clocks start from the last change for tickets already in a status; a first contact
-- recorded before this migration was recorded when claimed.
UPDATE "tickets" SET "status_changed_at" = "updated_at";--> statement-breakpoint
UPDATE "assignments" SET "first_contact_recorded_at" = "first_contact_at" WHERE "first_contact_at" IS NOT NULL;--> statement-breakpoint
-- Backfill: live clocks left without a deadline because the calendar did not cover it (their latest
-- 'sla_uncomputable' event names them) now wait visibly for the calendar, and are recomputed on import.
UPDATE "assignments" a SET "sla_waiting" = w.list FROM (
  SELECT a2.id, jsonb_agg(jsonb_build_object(
      'clock', c.clock,
      'date', e.payload->>'date',
      'start', to_char((CASE WHEN c.clock = 'complete' THEN coalesce(a2.complete_started_at, a2.dispatched_at) ELSE a2.dispatched_at END) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    )) AS list
  FROM "assignments" a2
  JOIN LATERAL (
    SELECT ev.payload FROM "ticket_events" ev
    WHERE ev.ticket_id = a2.ticket_id AND ev.assignment_id = a2.id AND ev.type = 'sla_uncomputable'
    ORDER BY ev.id DESC LIMIT 1
  ) e ON true
  CROSS JOIN LATERAL jsonb_array_elements_text(e.payload->'clocks') AS c(clock)
  WHERE a2.status IN ('awaiting_sign', 'in_progress', 'replied') AND a2.sla_policy_id IS NOT NULL
    AND ((c.clock = 'sign' AND a2.sign_due_at IS NULL AND a2.signed_at IS NULL)
      OR (c.clock = 'response' AND a2.response_due_at IS NULL AND a2.first_contact_at IS NULL)
      OR (c.clock = 'complete' AND a2.complete_due_at IS NULL))
  GROUP BY a2.id
) w WHERE a.id = w.id;
