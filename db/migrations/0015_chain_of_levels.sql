ALTER TYPE "public"."assignment_status" ADD VALUE 'completed' BEFORE 'returned';--> statement-breakpoint
CREATE TABLE "accountability_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accountability_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" bigint NOT NULL,
	"assignment_id" bigint,
	"unit_id" integer NOT NULL,
	"supervision_item_id" bigint,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" integer,
	"resolution_note" text
);
--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "parent_id" bigint;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "hand_down_note" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "clamped_clocks" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "triage" text;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "triaged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "triaged_by" integer;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "triage_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "quick_reply_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "supervision_items" ADD COLUMN "escalation_level" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "supervision_items" ADD COLUMN "escalated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "supervision_items" ADD COLUMN "escalated_to_unit_id" integer;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_supervision_item_id_supervision_items_id_fk" FOREIGN KEY ("supervision_item_id") REFERENCES "public"."supervision_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_items" ADD CONSTRAINT "accountability_items_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accountability_items_unit_idx" ON "accountability_items" USING btree ("unit_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "accountability_items_supervision_uq" ON "accountability_items" USING btree ("supervision_item_id");--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_parent_id_assignments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."assignments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_triaged_by_users_id_fk" FOREIGN KEY ("triaged_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_items" ADD CONSTRAINT "supervision_items_escalated_to_unit_id_units_id_fk" FOREIGN KEY ("escalated_to_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignments_parent_idx" ON "assignments" USING btree ("parent_id") WHERE "assignments"."parent_id" is not null;