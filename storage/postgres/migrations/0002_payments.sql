-- +goose Up
-- 0002 payments: the wallet's double-entry ledger and its balance cache,
-- payments, applied gateway events, linked payment accounts and payment links.
--
-- Money is always a NUMERIC number next to a char(3) currency code, written
-- and read exactly (never through a float). A NULL number stands for the
-- "no amount" value (money.Amount{}); a NULL time for the zero time.Time.
--
-- Columns that are sorted or compared to page through results, or that fix
-- the order in which rows are locked, use COLLATE "C": byte order, the same
-- as Go's string order and the same on every server whatever its locale.

CREATE TABLE ledger_entries (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   text        COLLATE "C" NOT NULL CHECK (account_id <> ''),
    id           text        NOT NULL CHECK (id <> ''),
    kind         text        NOT NULL CHECK (kind <> ''),
    ref_type     text        NOT NULL,
    ref_id       text        NOT NULL,
    memo         text        NOT NULL,
    at           timestamptz NOT NULL,
    -- The currency of every posting of the entry, and of credit_after.
    currency     char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    credit_after numeric,
    UNIQUE (account_id, id)
);

-- Ledger.Entries pages one tenant's journal by seq.
CREATE INDEX ledger_entries_account_seq ON ledger_entries (account_id, seq);

CREATE TABLE ledger_postings (
    entry_seq      bigint      NOT NULL REFERENCES ledger_entries (seq),
    -- idx is the posting's position in the entry, from 1.
    idx            integer     NOT NULL CHECK (idx >= 1),
    -- account_id repeats the entry's, so that PostingTotals reads one
    -- tenant's postings through an index without visiting every entry.
    account_id     text        COLLATE "C" NOT NULL,
    ledger_account text        COLLATE "C" NOT NULL CHECK (ledger_account <> ''),
    amount         numeric     NOT NULL,
    non_negative   boolean     NOT NULL,
    expires_at     timestamptz,
    PRIMARY KEY (entry_seq, idx)
);

CREATE INDEX ledger_postings_account ON ledger_postings (account_id, ledger_account);

-- The balance cache: one row per (tenant, ledger account), changed only by
-- Ledger.Append's upsert in the same transaction as the postings.
CREATE TABLE ledger_balances (
    account_id     text        COLLATE "C" NOT NULL CHECK (account_id <> ''),
    ledger_account text        COLLATE "C" NOT NULL CHECK (ledger_account <> ''),
    currency       char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    amount         numeric     NOT NULL,
    -- Set when a guarded (NonNegative) posting creates or credits the
    -- balance, and never cleared.
    non_negative   boolean     NOT NULL,
    -- Recorded by the first posting and never changed.
    expires_at     timestamptz,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (account_id, ledger_account),
    -- The backstop under the check Ledger.Append makes itself; the store
    -- reports its violation, by this name, as storage.ErrNegativeBalance.
    CONSTRAINT ledger_balances_non_negative CHECK (NOT non_negative OR amount >= 0)
);

-- Ledger.Expiring: promotional credit still holding money, by expiry.
CREATE INDEX ledger_balances_expiring ON ledger_balances (expires_at, account_id, ledger_account)
    WHERE expires_at IS NOT NULL AND amount > 0;

CREATE TABLE payments (
    id                text        COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    account_id        text        COLLATE "C" NOT NULL CHECK (account_id <> ''),
    purpose           text        NOT NULL,
    purpose_ref       text        NOT NULL,
    method            text        NOT NULL,
    status            text        NOT NULL CHECK (status <> ''),
    -- The one currency of the four amounts; NULL only when all are NULL.
    currency          char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    amount            numeric,
    from_credit       numeric,
    from_gateway      numeric,
    refunded          numeric,
    gateway           text        NOT NULL,
    gateway_ref       text        NOT NULL,
    redirect_url      text        NOT NULL,
    linked_account_id text        NOT NULL,
    failure_reason    text        NOT NULL,
    description       text        NOT NULL,
    expires_at        timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    version           bigint      NOT NULL CHECK (version >= 1),
    CHECK (currency IS NOT NULL OR num_nulls(amount, from_credit, from_gateway, refunded) = 4)
);

-- Payments.List: one tenant's payments, newest first, keyset-paged.
CREATE INDEX payments_account_created ON payments (account_id, created_at DESC, id DESC);
-- Payments.PendingExpired: only pending payments are indexed.
CREATE INDEX payments_pending_expiry ON payments (expires_at, id) WHERE status = 'pending';

CREATE TABLE gateway_events (
    gateway    text        NOT NULL CHECK (gateway <> ''),
    event_id   text        NOT NULL CHECK (event_id <> ''),
    applied_at timestamptz NOT NULL,
    PRIMARY KEY (gateway, event_id)
);

CREATE TABLE linked_accounts (
    id         text        PRIMARY KEY CHECK (id <> ''),
    -- seq orders accounts created at the same instant as they were created.
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    account_id text        NOT NULL CHECK (account_id <> ''),
    gateway    text        NOT NULL,
    status     text        NOT NULL,
    -- The gateway's charging secret, kept as given; empty when unlinked.
    token      text        NOT NULL,
    display    text        NOT NULL,
    is_default boolean     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- LinkedAccounts.List: one tenant's accounts in creation order.
CREATE INDEX linked_accounts_account_created ON linked_accounts (account_id, created_at, seq);

CREATE TABLE payment_links (
    token       text        PRIMARY KEY CHECK (token <> ''),
    account_id  text        NOT NULL CHECK (account_id <> ''),
    currency    char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    amount      numeric,
    purpose     text        NOT NULL,
    purpose_ref text        NOT NULL,
    description text        NOT NULL,
    status      text        NOT NULL,
    payment_id  text        NOT NULL,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK ((currency IS NULL) = (amount IS NULL))
);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (2, 'payments');
