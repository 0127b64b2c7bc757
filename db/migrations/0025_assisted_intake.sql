CREATE TABLE "assist_lexicon" (
	"word" text PRIMARY KEY NOT NULL,
	"added_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assist_models" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "assist_models_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"target" text NOT NULL,
	"version" integer NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"trained_from" timestamp with time zone,
	"trained_to" timestamp with time zone,
	"samples" integer NOT NULL,
	"classes" integer NOT NULL,
	"features" integer NOT NULL,
	"model" jsonb NOT NULL,
	"evaluation" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"trained_by" integer
);
--> statement-breakpoint
CREATE TABLE "assist_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assist_suggestions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "assist_suggestions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"ticket_id" bigint,
	"category_model_id" integer,
	"unit_model_id" integer,
	"categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"units" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"chosen_category_id" integer,
	"chosen_unit_id" integer,
	"accepted_category_rank" integer,
	"applied_automatically" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assist_lexicon" ADD CONSTRAINT "assist_lexicon_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_models" ADD CONSTRAINT "assist_models_trained_by_users_id_fk" FOREIGN KEY ("trained_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_settings" ADD CONSTRAINT "assist_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_category_model_id_assist_models_id_fk" FOREIGN KEY ("category_model_id") REFERENCES "public"."assist_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_unit_model_id_assist_models_id_fk" FOREIGN KEY ("unit_model_id") REFERENCES "public"."assist_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_chosen_category_id_categories_id_fk" FOREIGN KEY ("chosen_category_id") REFERENCES "public"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assist_suggestions" ADD CONSTRAINT "assist_suggestions_chosen_unit_id_units_id_fk" FOREIGN KEY ("chosen_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assist_models_target_version_uq" ON "assist_models" USING btree ("target","version");--> statement-breakpoint
CREATE INDEX "assist_suggestions_created_idx" ON "assist_suggestions" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "assist_suggestions_ticket_idx" ON "assist_suggestions" USING btree ("ticket_id") WHERE "assist_suggestions"."ticket_id" is not null;