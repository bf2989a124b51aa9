CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agencies" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agency_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bus_payloads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"seq" integer NOT NULL,
	"pool" text NOT NULL,
	"kind" text NOT NULL,
	"delta_included" bigint NOT NULL,
	"delta_purchased" bigint NOT NULL,
	"balance_included" bigint NOT NULL,
	"balance_purchased" bigint NOT NULL,
	"balance_available" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"description" text NOT NULL,
	"usage" jsonb,
	"purchase_id" text,
	"usage_event_id" text,
	"inserted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_accounts" (
	"agency_id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"account_id" text NOT NULL,
	"livemode" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_changes" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "purchases" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quotes" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_checkout_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"purchase_id" text NOT NULL,
	"agency_id" text NOT NULL,
	"payment_intent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_checkout_sessions_purchase_id_unique" UNIQUE("purchase_id")
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "accounts_scope_idx" ON "accounts" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "agencies_scope_idx" ON "agencies" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "agency_keys_scope_idx" ON "agency_keys" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "credit_requests_scope_idx" ON "credit_requests" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "idempotency_keys_scope_idx" ON "idempotency_keys" USING btree ("scope");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_account_seq_key" ON "ledger_entries" USING btree ("account_id","seq");--> statement-breakpoint
CREATE INDEX "ledger_entries_account_created_idx" ON "ledger_entries" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "plan_changes_scope_idx" ON "plan_changes" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "purchases_scope_idx" ON "purchases" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "quotes_scope_idx" ON "quotes" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "sessions_scope_idx" ON "sessions" USING btree ("scope");--> statement-breakpoint
CREATE INDEX "usage_events_scope_idx" ON "usage_events" USING btree ("scope");