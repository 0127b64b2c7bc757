CREATE TABLE "metric_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics_daily" (
	"day" date NOT NULL,
	"unit_id" integer NOT NULL,
	"category_id" integer NOT NULL,
	"channel" "channel" NOT NULL,
	"appealed" boolean NOT NULL,
	"contacts" integer DEFAULT 0 NOT NULL,
	"repeat_contacts" integer DEFAULT 0 NOT NULL,
	"direct_answers" integer DEFAULT 0 NOT NULL,
	"not_accepted" integer DEFAULT 0 NOT NULL,
	"dispatched" integer DEFAULT 0 NOT NULL,
	"signed_on_time" integer DEFAULT 0 NOT NULL,
	"responded_on_time" integer DEFAULT 0 NOT NULL,
	"lead_responded_on_time" integer DEFAULT 0 NOT NULL,
	"replied" integer DEFAULT 0 NOT NULL,
	"lead_dispatched" integer DEFAULT 0 NOT NULL,
	"lead_returned" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"closed_redone" integer DEFAULT 0 NOT NULL,
	"reopened" integer DEFAULT 0 NOT NULL,
	"callbacks_concluded" integer DEFAULT 0 NOT NULL,
	"callbacks_valid" integer DEFAULT 0 NOT NULL,
	"solved_answers" integer DEFAULT 0 NOT NULL,
	"solved" integer DEFAULT 0 NOT NULL,
	"partly_solved" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"basically_satisfied" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "metrics_daily_day_unit_id_category_id_channel_appealed_pk" PRIMARY KEY("day","unit_id","category_id","channel","appealed")
);
--> statement-breakpoint
CREATE TABLE "metrics_queue" (
	"event_id" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics_rollup_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"last_run_at" timestamp with time zone,
	"events_processed" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "metric_settings" ADD CONSTRAINT "metric_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metrics_daily_unit_day_idx" ON "metrics_daily" USING btree ("unit_id","day");