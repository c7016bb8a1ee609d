-- +goose Up
-- 0001 foundation: accounts, idempotency keys and the audit trail.
--
-- Names are unqualified: the schema is the first of the search_path, set by
-- Migrate for each migration, or by whoever runs these files with another
-- tool (see the package documentation).
--
-- idempotency_keys and audit_records carry an account_id without a foreign key
-- to accounts: a key may be claimed, or an audit record written, for an
-- account that the same transaction creates afterwards, and keeping the
-- tables independent keeps that ordering free. Tenant scoping is by the
-- account_id column in every query.

-- schema_migrations lists the versions applied, each recorded by its own
-- migration as its last statement. Migrate creates it before the first
-- migration runs; this creates it for any other tool.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
    id         text        PRIMARY KEY CHECK (octet_length(id) BETWEEN 1 AND 128),
    type       text        NOT NULL CHECK (type IN ('prepaid', 'postpaid')),
    currency   char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    time_zone  text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    version    bigint      NOT NULL CHECK (version >= 1)
);

CREATE TABLE idempotency_keys (
    account_id   text        NOT NULL CHECK (account_id <> ''),
    key          text        NOT NULL CHECK (key <> ''),
    operation    text        NOT NULL,
    request_hash text        NOT NULL,
    -- The caller's encoding of the first result, kept byte for byte; NULL
    -- until the operation that claimed the key sets it.
    response     bytea,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE audit_records (
    seq        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id text        NOT NULL CHECK (account_id <> ''),
    actor      text        NOT NULL,
    action     text        NOT NULL CHECK (action <> ''),
    detail     jsonb,
    at         timestamptz NOT NULL
);

-- Audit.List pages one account's records by seq.
CREATE INDEX audit_records_account_seq ON audit_records (account_id, seq);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (1, 'foundation');
