CREATE TABLE "citizen_ratings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "citizen_ratings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"round" integer NOT NULL,
	"level" text NOT NULL,
	"comment" text,
	"source" text NOT NULL,
	"unit_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rating_invitations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rating_invitations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"round" integer NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "rating_verifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rating_verifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rating_id" bigint NOT NULL,
	"ticket_id" bigint NOT NULL,
	"unit_id" integer NOT NULL,
	"status" text DEFAULT 'verifying' NOT NULL,
	"verify_due_at" timestamp with time zone,
	"rectify_due_at" timestamp with time zone,
	"warning_level" text DEFAULT 'none' NOT NULL,
	"appeal_reason" text,
	"appeal_attachment_ids" jsonb,
	"appealed_by" integer,
	"appealed_at" timestamp with time zone,
	"decision_note" text,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"rectification" text,
	"answer" text,
	"rectified_by" integer,
	"rectified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "ratings_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "ratings_good" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "ratings_bad" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "bad_dismissed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "bad_confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "bad_rectified" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_category_monthly" ADD COLUMN "bad_rectified_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "ratings_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "ratings_good" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "ratings_bad" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "bad_dismissed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "bad_confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "bad_rectified" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_daily" ADD COLUMN "bad_rectified_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "ratings_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "ratings_good" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "ratings_bad" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "bad_dismissed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "bad_confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "bad_rectified" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_subtree_monthly" ADD COLUMN "bad_rectified_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "ratings_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "ratings_good" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "ratings_bad" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "bad_dismissed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "bad_confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "bad_rectified" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_daily" ADD COLUMN "bad_rectified_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "ratings_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "ratings_good" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "ratings_bad" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "bad_dismissed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "bad_confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "bad_rectified" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "metrics_unit_monthly" ADD COLUMN "bad_rectified_on_time" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "citizen_ratings" ADD CONSTRAINT "citizen_ratings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "citizen_ratings" ADD CONSTRAINT "citizen_ratings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_invitations" ADD CONSTRAINT "rating_invitations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_rating_id_citizen_ratings_id_fk" FOREIGN KEY ("rating_id") REFERENCES "public"."citizen_ratings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_appealed_by_users_id_fk" FOREIGN KEY ("appealed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_verifications" ADD CONSTRAINT "rating_verifications_rectified_by_users_id_fk" FOREIGN KEY ("rectified_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "citizen_ratings_round_uq" ON "citizen_ratings" USING btree ("ticket_id","round");--> statement-breakpoint
CREATE INDEX "citizen_ratings_created_idx" ON "citizen_ratings" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "rating_invitations_hash_uq" ON "rating_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "rating_invitations_ticket_idx" ON "rating_invitations" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rating_verifications_rating_uq" ON "rating_verifications" USING btree ("rating_id");--> statement-breakpoint
CREATE INDEX "rating_verifications_unit_idx" ON "rating_verifications" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "rating_verifications_open_idx" ON "rating_verifications" USING btree ("status") WHERE "rating_verifications"."status" in ('verifying', 'appealed', 'confirmed');--> statement-breakpoint
-- The subtree grain's rebuild lists every counter column: replaced with the list that has the citizen-rating counters.
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
  INSERT INTO "metrics_subtree_monthly" ("month", "unit_id", "appealed", "contacts", "repeat_contacts", "direct_answers", "not_accepted", "dispatched", "signed_on_time", "sign_pending", "replied", "lead_dispatched", "lead_returned", "completed", "handed_down", "lead_handed_down", "response_due", "lead_response_due", "responded_on_time", "lead_responded_on_time", "response_pending", "lead_response_pending", "complete_due", "replied_due", "complete_pending", "lead_complete_due", "completed_due", "lead_complete_returned", "lead_complete_pending", "closed", "completion_judged", "closed_on_time", "sub_completion_judged", "sub_closed_on_time", "closed_redone", "reopened", "callbacks_concluded", "callback_attempts", "callbacks_valid", "solved_answers", "solved", "partly_solved", "rated", "satisfied", "basically_satisfied", "dispatch_decisions", "dispatch_wait_minutes", "dispatch_on_time", "reviews_decided", "reviews_on_time", "callback_rounds", "callbacks_on_time", "callbacks_due", "callbacks_made", "callbacks_due_terminated", "ratings_made", "ratings_good", "ratings_bad", "bad_dismissed", "bad_confirmed", "bad_rectified", "bad_rectified_on_time")
    SELECT m."month", a.id::int, m."appealed", sum(m."contacts")::int, sum(m."repeat_contacts")::int, sum(m."direct_answers")::int, sum(m."not_accepted")::int, sum(m."dispatched")::int, sum(m."signed_on_time")::int, sum(m."sign_pending")::int, sum(m."replied")::int, sum(m."lead_dispatched")::int, sum(m."lead_returned")::int, sum(m."completed")::int, sum(m."handed_down")::int, sum(m."lead_handed_down")::int, sum(m."response_due")::int, sum(m."lead_response_due")::int, sum(m."responded_on_time")::int, sum(m."lead_responded_on_time")::int, sum(m."response_pending")::int, sum(m."lead_response_pending")::int, sum(m."complete_due")::int, sum(m."replied_due")::int, sum(m."complete_pending")::int, sum(m."lead_complete_due")::int, sum(m."completed_due")::int, sum(m."lead_complete_returned")::int, sum(m."lead_complete_pending")::int, sum(m."closed")::int, sum(m."completion_judged")::int, sum(m."closed_on_time")::int, sum(m."sub_completion_judged")::int, sum(m."sub_closed_on_time")::int, sum(m."closed_redone")::int, sum(m."reopened")::int, sum(m."callbacks_concluded")::int, sum(m."callback_attempts")::int, sum(m."callbacks_valid")::int, sum(m."solved_answers")::int, sum(m."solved")::int, sum(m."partly_solved")::int, sum(m."rated")::int, sum(m."satisfied")::int, sum(m."basically_satisfied")::int, sum(m."dispatch_decisions")::int, sum(m."dispatch_wait_minutes")::int, sum(m."dispatch_on_time")::int, sum(m."reviews_decided")::int, sum(m."reviews_on_time")::int, sum(m."callback_rounds")::int, sum(m."callbacks_on_time")::int, sum(m."callbacks_due")::int, sum(m."callbacks_made")::int, sum(m."callbacks_due_terminated")::int, sum(m."ratings_made")::int, sum(m."ratings_good")::int, sum(m."ratings_bad")::int, sum(m."bad_dismissed")::int, sum(m."bad_confirmed")::int, sum(m."bad_rectified")::int, sum(m."bad_rectified_on_time")::int
    FROM "metrics_unit_monthly" m
    CROSS JOIN LATERAL unnest(CASE WHEN m."unit_id" = 0 THEN ARRAY['0']
      ELSE string_to_array(trim(both '/' from (SELECT u."path" FROM "units" u WHERE u."id" = m."unit_id")), '/') END) AS a(id)
    WHERE m."unit_id" <> 0 AND (CASE WHEN a.id ~ '^[0-9]+$' THEN a.id::int END) = ANY (affected)
    GROUP BY 1, 2, 3;
  RETURN NULL;
END
$$;
