-- +goose Up
-- 0017 e-invoices: the legal e-invoices issued for documents (EInvoices),
-- one row each.
--
-- The primary key starts with account_id like every tenant table (see
-- 0005), and the id keeps a UNIQUE of its own: ids are unique across
-- tenants. A source is an account's (one e-invoice per source is how a
-- document is never e-invoiced twice); a (series, number) is the seller's,
-- unique whatever the account, as invoices' are. Create inserts with ON
-- CONFLICT DO NOTHING, so any of the three keys already taken is "0 rows"
-- and the transaction stays usable.
--
-- The CHECKs are the rules the store also checks in Go (and the memory
-- store checks the same), so a row the database holds is always one the
-- repository would accept: the listed kinds and statuses, a number of at
-- most eight digits, at least one document and no empty one.
CREATE TABLE einvoices (
    account_id     text        NOT NULL CHECK (account_id <> ''),
    id             text        NOT NULL CHECK (id <> ''),
    source         text        NOT NULL CHECK (source <> ''),
    kind           text        NOT NULL CHECK (kind IN ('original', 'adjustment', 'replacement')),
    document_ids   text[]      NOT NULL CHECK (cardinality(document_ids) >= 1
                                   AND array_ndims(document_ids) = 1
                                   AND array_position(document_ids, '') IS NULL
                                   AND array_position(document_ids, NULL) IS NULL),
    series         text        NOT NULL CHECK (series <> ''),
    number         bigint      NOT NULL CHECK (number BETWEEN 1 AND 99999999),
    issued_at      timestamptz NOT NULL,
    related_id     text        NOT NULL DEFAULT '',
    status         text        NOT NULL CHECK (status IN ('draft', 'signed', 'sent', 'accepted', 'rejected')),
    xml            bytea       NOT NULL DEFAULT '',
    provider_ref   text        NOT NULL DEFAULT '',
    authority_code text        NOT NULL DEFAULT '',
    lookup_code    text        NOT NULL DEFAULT '',
    reason         text        NOT NULL DEFAULT '',
    replaced_by_id text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT einvoices_pkey PRIMARY KEY (account_id, id),
    CONSTRAINT einvoices_id_key UNIQUE (id),
    CONSTRAINT einvoices_account_source UNIQUE (account_id, source),
    CONSTRAINT einvoices_series_number UNIQUE (series, number)
);

-- EInvoices.List: one tenant's e-invoices newest first, in the order of
-- the keyset it pages on; ids compare in byte order (COLLATE "C"), as in
-- the memory store.
CREATE INDEX einvoices_account_created
    ON einvoices (account_id, created_at DESC, id COLLATE "C" DESC);

-- EInvoices.ByDocument: an inverted index of the documents each e-invoice
-- states, which "document_ids @> ARRAY[$2]" reads. (A B-tree cannot index
-- the elements of an array, and "$2 = ANY (document_ids)" is not an
-- operator a GIN index serves.) The tenant is checked on the few rows it
-- finds: document ids are unique across tenants too.
CREATE INDEX einvoices_documents ON einvoices USING gin (document_ids);

-- The version is recorded by the migration itself, whichever tool runs it.
INSERT INTO schema_migrations (version, name) VALUES (17, 'einvoices');
