CREATE TABLE "governance_topic_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "governance_topic_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"topic_id" integer NOT NULL,
	"type" text NOT NULL,
	"actor_id" integer,
	"actor_role" "role",
	"from_status" text,
	"to_status" text,
	"version" integer NOT NULL,
	"note" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "governance_topic_tickets" ADD COLUMN "linked_by" integer;--> statement-breakpoint
ALTER TABLE "governance_topic_tickets" ADD COLUMN "linked_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "owner_unit_id" integer;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "category_id" integer;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "street_unit_id" integer;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "source" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "governance_topic_events" ADD CONSTRAINT "governance_topic_events_topic_id_governance_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."governance_topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "governance_topic_events" ADD CONSTRAINT "governance_topic_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "governance_topic_events_topic_idx" ON "governance_topic_events" USING btree ("topic_id","id");--> statement-breakpoint
ALTER TABLE "governance_topic_tickets" ADD CONSTRAINT "governance_topic_tickets_linked_by_users_id_fk" FOREIGN KEY ("linked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD CONSTRAINT "governance_topics_owner_unit_id_units_id_fk" FOREIGN KEY ("owner_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD CONSTRAINT "governance_topics_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "governance_topics" ADD CONSTRAINT "governance_topics_street_unit_id_units_id_fk" FOREIGN KEY ("street_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "governance_topic_tickets_ticket_idx" ON "governance_topic_tickets" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "governance_topics_status_idx" ON "governance_topics" USING btree ("status","id");--> statement-breakpoint
ALTER TABLE "governance_topics" ADD CONSTRAINT "governance_topics_status_chk" CHECK ("governance_topics"."status" in ('open', 'in_progress', 'resolved', 'closed'));