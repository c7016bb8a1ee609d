-- +goose Up
-- 0003 orders: coupons and their redemptions, orders, resources, invoices
-- and their number series, the action log and the outbox.
--
-- The JSON documents the library hands over (coupon definitions, order,
-- resource and invoice data, action data, event payloads) are bytea: the
-- store keeps them opaque, byte for byte, and a NULL is a nil slice.
-- Money is a NUMERIC next to a char(3) currency, both NULL for the "no
-- amount" value; optional instants are NULL for the zero time.Time.
--
-- seq identity columns record creation order where the contract lists in
-- it; like every identity they are handed out at insert, not at commit.

CREATE TABLE coupons (
    code       text        PRIMARY KEY CHECK (code <> ''),
    definition bytea,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE redemptions (
    id         text        PRIMARY KEY CHECK (id <> ''),
    seq        bigint      GENERATED ALWAYS AS IDENTITY,
    code       text        NOT NULL CHECK (code <> ''),
    account_id text        NOT NULL CHECK (account_id <> ''),
    order_id   text        NOT NULL,
    status     text        NOT NULL CHECK (status IN ('reserved', 'consumed', 'released')),
    currency   char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    amount     numeric,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK ((currency IS NULL) = (amount IS NULL))
);

-- Redemptions.Count: the live redemptions of one code, under the coupon's
-- row lock.
CREATE INDEX redemptions_code_status ON redemptions (code, status);
-- Redemptions.ListByOrder, in creation order.
CREATE INDEX redemptions_account_order ON redemptions (account_id, order_id, seq);

CREATE TABLE orders (
    id         text        PRIMARY KEY CHECK (id <> ''),
    account_id text        NOT NULL CHECK (account_id <> ''),
    status     text        NOT NULL CHECK (status <> ''),
    payment_id text        NOT NULL,
    currency   char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    total      numeric,
    data       bytea,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CHECK ((currency IS NULL) = (total IS NULL))
);

-- Orders.CountByAccount ("is this the first order?").
CREATE INDEX orders_account_status ON orders (account_id, status);

CREATE TABLE resources (
    id           text        COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    account_id   text        NOT NULL CHECK (account_id <> ''),
    order_id     text        NOT NULL,
    product_id   text        NOT NULL,
    status       text        NOT NULL CHECK (status <> ''),
    period_start timestamptz,
    period_end   timestamptz,
    -- NULL when nothing is scheduled, which keeps the resource out of
    -- resources_due.
    next_due_at  timestamptz,
    data         bytea,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    version      bigint      NOT NULL CHECK (version >= 1)
);

-- Resources.List: one tenant's resources in creation order.
CREATE INDEX resources_account_seq ON resources (account_id, seq);
-- Resources.ListByOrder.
CREATE INDEX resources_account_order ON resources (account_id, order_id, seq);
-- Resources.Due: only scheduled resources are indexed, in the order Due
-- returns them, so "WHERE next_due_at <= $1 ORDER BY next_due_at, id
-- LIMIT $2" reads the due entries and stops: its cost follows what is due,
-- not how many resources exist.
CREATE INDEX resources_due ON resources (next_due_at, id) WHERE next_due_at IS NOT NULL;

CREATE TABLE invoices (
    id          text        PRIMARY KEY CHECK (id <> ''),
    seq         bigint      GENERATED ALWAYS AS IDENTITY,
    account_id  text        NOT NULL CHECK (account_id <> ''),
    resource_id text        NOT NULL,
    order_id    text        NOT NULL,
    kind        text        NOT NULL CHECK (kind <> ''),
    status      text        NOT NULL CHECK (status <> ''),
    -- NULL until issued; a NULL never conflicts, so drafts need no number.
    series      text        CHECK (series <> ''),
    number      bigint,
    currency    char(3)     CHECK (currency ~ '^[A-Z]{3}$'),
    total       numeric,
    data        bytea,
    issued_at   timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK ((currency IS NULL) = (total IS NULL)),
    -- The backstop under NextNumber: no number is ever used twice.
    CONSTRAINT invoices_series_number UNIQUE (series, number)
);

-- Invoices.List: one tenant's invoices, newest first, and one resource's.
CREATE INDEX invoices_account_seq ON invoices (account_id, seq DESC);
CREATE INDEX invoices_account_resource_seq ON invoices (account_id, resource_id, seq DESC);

-- The last number allocated per series. Invoices.NextNumber upserts the
-- row and holds its lock until commit, so allocations of one series queue
-- up, a rollback gives the number back, and numbers are gapless.
CREATE TABLE invoice_series (
    series text   PRIMARY KEY CHECK (series <> ''),
    last   bigint NOT NULL CHECK (last >= 1)
);

CREATE TABLE actions (
    seq         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          text        NOT NULL UNIQUE CHECK (id <> ''),
    account_id  text        NOT NULL CHECK (account_id <> ''),
    resource_id text        NOT NULL,
    kind        text        NOT NULL CHECK (kind <> ''),
    actor       text        NOT NULL,
    data        bytea,
    at          timestamptz NOT NULL
);

-- Actions.List: one tenant's log, and one resource's.
CREATE INDEX actions_account_seq ON actions (account_id, seq);
CREATE INDEX actions_account_resource_seq ON actions (account_id, resource_id, seq);

CREATE TABLE outbox (
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text        NOT NULL UNIQUE CHECK (id <> ''),
    account_id      text        NOT NULL CHECK (account_id <> ''),
    stream          text        NOT NULL CHECK (stream <> ''),
    kind            text        NOT NULL CHECK (kind <> ''),
    payload         bytea,
    attempts        integer     NOT NULL CHECK (attempts >= 0),
    -- Never NULL: the zero time (year 1) sorts before any instant, so an
    -- event appended without one is deliverable at once.
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NOT NULL,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL
);

-- Outbox.Deliverable: only undelivered events are indexed, in stream then
-- seq order, so finding the head of every stream reads the backlog and
-- never the delivered history.
CREATE INDEX outbox_undelivered ON outbox (stream, seq) WHERE delivered_at IS NULL;
-- Outbox.List: one tenant's events in seq order.
CREATE INDEX outbox_account_seq ON outbox (account_id, seq);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (3, 'orders');
