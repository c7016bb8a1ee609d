-- +goose Up
-- 0005 tenant keys: the primary key of every table that holds one tenant's
-- records starts with account_id, so that a database which places rows by
-- primary key (YugabyteDB's hash sharding, CockroachDB's ranges) keeps each
-- tenant's rows together, and a tenant's reads stay on one shard.
--
-- Record ids stay unique across all tenants, as the storage contract
-- requires and as the lookups by id alone need (gateway callbacks name a
-- payment or linked account, a payer opens a payment link by its token, the
-- worker claims an outbox event by seq): those keep a UNIQUE constraint of
-- their own, a global index on a distributed database.
--
-- Tables that are not any one tenant's keep their keys: accounts (the
-- tenant itself), coupons (one catalog for every tenant), gateway_events
-- (the gateway's own event ids, recorded by GatewayEvents.Record, which
-- names no tenant),
-- invoice_series and the UNIQUE (series, number) of invoices (numbers are
-- gapless per series across the whole issuer), schema_migrations.
--
-- The secondary indexes that a new primary key now covers are dropped.

ALTER TABLE audit_records
    DROP CONSTRAINT audit_records_pkey,
    ADD CONSTRAINT audit_records_pkey PRIMARY KEY (account_id, seq);
DROP INDEX audit_records_account_seq;

-- Postings point at their entry by (account_id, entry_seq), the entry's new
-- primary key.
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_entry_seq_fkey;
ALTER TABLE ledger_entries
    DROP CONSTRAINT ledger_entries_pkey,
    ADD CONSTRAINT ledger_entries_pkey PRIMARY KEY (account_id, seq);
DROP INDEX ledger_entries_account_seq;
ALTER TABLE ledger_postings
    DROP CONSTRAINT ledger_postings_pkey,
    ADD CONSTRAINT ledger_postings_pkey PRIMARY KEY (account_id, entry_seq, idx),
    ADD CONSTRAINT ledger_postings_entry_fkey FOREIGN KEY (account_id, entry_seq)
        REFERENCES ledger_entries (account_id, seq);

ALTER TABLE payments
    DROP CONSTRAINT payments_pkey,
    ADD CONSTRAINT payments_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT payments_id_key UNIQUE (id);

ALTER TABLE linked_accounts
    DROP CONSTRAINT linked_accounts_pkey,
    ADD CONSTRAINT linked_accounts_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT linked_accounts_id_key UNIQUE (id);

ALTER TABLE payment_links
    DROP CONSTRAINT payment_links_pkey,
    ADD CONSTRAINT payment_links_pkey PRIMARY KEY (account_id, token),
    ADD CONSTRAINT payment_links_token_key UNIQUE (token);

ALTER TABLE redemptions
    DROP CONSTRAINT redemptions_pkey,
    ADD CONSTRAINT redemptions_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT redemptions_id_key UNIQUE (id);

ALTER TABLE orders
    DROP CONSTRAINT orders_pkey,
    ADD CONSTRAINT orders_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT orders_id_key UNIQUE (id);

ALTER TABLE resources
    DROP CONSTRAINT resources_pkey,
    ADD CONSTRAINT resources_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT resources_id_key UNIQUE (id);

ALTER TABLE invoices
    DROP CONSTRAINT invoices_pkey,
    ADD CONSTRAINT invoices_pkey PRIMARY KEY (account_id, id),
    ADD CONSTRAINT invoices_id_key UNIQUE (id);

ALTER TABLE actions
    DROP CONSTRAINT actions_pkey,
    ADD CONSTRAINT actions_pkey PRIMARY KEY (account_id, seq);
DROP INDEX actions_account_seq;

-- The worker reads and locks an event by seq alone.
ALTER TABLE outbox
    DROP CONSTRAINT outbox_pkey,
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (account_id, seq),
    ADD CONSTRAINT outbox_seq_key UNIQUE (seq);
DROP INDEX outbox_account_seq;

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (5, 'tenant_keys');
