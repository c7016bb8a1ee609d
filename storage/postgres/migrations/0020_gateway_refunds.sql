-- +goose Up
-- 0020 gateway refunds and reconciliation: how many status queries about
-- a payment due for expiry got no final answer (the worker asks again at
-- retry_at, then expires it), and the refunds of a payment to its original
-- method, reserved while pending.
ALTER TABLE payments
    ADD COLUMN query_attempts integer NOT NULL DEFAULT 0 CHECK (query_attempts >= 0);

CREATE TABLE refunds (
    account_id     text        COLLATE "C" NOT NULL CHECK (account_id <> ''),
    id             text        COLLATE "C" NOT NULL CHECK (id <> ''),
    payment_id     text        COLLATE "C" NOT NULL CHECK (payment_id <> ''),
    gateway        text        NOT NULL,
    currency       char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    amount         numeric,
    status         text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    gateway_ref    text        NOT NULL,
    reason         text        NOT NULL,
    failure_reason text        NOT NULL,
    submitted      boolean     NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        bigint      NOT NULL CHECK (version >= 1),
    attempts       integer     NOT NULL CHECK (attempts >= 0),
    last_error     text        NOT NULL,
    retry_at       timestamptz,
    PRIMARY KEY (account_id, id),
    -- Refund callbacks name the refund, not the tenant.
    CONSTRAINT refunds_id_key UNIQUE (id),
    CHECK (currency IS NOT NULL OR amount IS NULL)
);

-- Refunds.ListByPayment: one payment's refunds, oldest first.
CREATE INDEX refunds_payment ON refunds (account_id, payment_id, created_at, id);
-- Refunds.PendingDue: only pending refunds are indexed.
CREATE INDEX refunds_pending ON refunds (created_at, id) WHERE status = 'pending';

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (20, 'gateway_refunds');
