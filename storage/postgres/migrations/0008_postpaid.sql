-- +goose Up
-- 0008 postpaid: scheduled account jobs, the fields of postpaid resources,
-- and the index of an account's open invoices.

-- Jobs: one row per (account, kind, key), the primary key starting with
-- account_id like every tenant table (see 0005). The key columns are
-- COLLATE "C" so that List's (kind, key) order and ClaimDue's tie-break are
-- Go's byte order on every server, and locks are taken in one order.
-- A NULL since is the zero time.
CREATE TABLE jobs (
    account_id text        COLLATE "C" NOT NULL CHECK (account_id <> ''),
    kind       text        COLLATE "C" NOT NULL CHECK (kind <> '' AND octet_length(kind) <= 200),
    key        text        COLLATE "C" NOT NULL CHECK (octet_length(key) <= 200),
    due_at     timestamptz NOT NULL,
    step       bigint      NOT NULL DEFAULT 0,
    since      timestamptz,
    attempts   bigint      NOT NULL DEFAULT 0,
    last_error text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT jobs_pkey PRIMARY KEY (account_id, kind, key)
);

-- Jobs.ClaimDue: "WHERE due_at <= $1 ORDER BY due_at, account_id, kind, key
-- LIMIT $2 FOR UPDATE SKIP LOCKED" reads the due entries in index order and
-- stops after the page, so its cost follows what is due, not what exists.
CREATE INDEX jobs_due ON jobs (due_at, account_id, kind, key);

-- Postpaid resources. intervals is the JSONB list of configurations not
-- yet billed in full (NULL for none); a NULL time is the zero time.
-- Resources from before are prepaid: postpaid defaults to false.
ALTER TABLE resources
    ADD COLUMN postpaid       boolean     NOT NULL DEFAULT false,
    ADD COLUMN intervals      jsonb,
    ADD COLUMN closed_through timestamptz,
    ADD COLUMN stopped_at     timestamptz;

-- Invoices.Open: only what a customer still owes is indexed, per tenant,
-- oldest first, in the order Open returns it, so the read visits open
-- invoices and no others. id is compared in byte order (COLLATE "C"),
-- as the memory store compares it, whatever the server's locale.
CREATE INDEX invoices_open ON invoices (account_id, issued_at, id COLLATE "C")
    WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid');

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (8, 'postpaid');
