package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"
)

// tables holds the schema-qualified, quoted table names, built once per
// store so that no statement depends on the connection's search_path.
type tables struct {
	accounts, idempotency, audit    string
	migrations, migrationsLock      string
	entries, postings, balances     string
	payments, events, linked, links string
	coupons, redemptions, orders    string
	resources, invoices, series     string
	actions, outbox, usage          string
	jobs, einvoices, refunds        string
	usageTotals                     string
}

func newTables(schema string) tables {
	q := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	return tables{
		accounts:       q("accounts"),
		idempotency:    q("idempotency_keys"),
		audit:          q("audit_records"),
		migrations:     q("schema_migrations"),
		migrationsLock: q("schema_migrations_lock"),
		entries:        q("ledger_entries"),
		postings:       q("ledger_postings"),
		balances:       q("ledger_balances"),
		payments:       q("payments"),
		events:         q("gateway_events"),
		linked:         q("linked_accounts"),
		links:          q("payment_links"),
		coupons:        q("coupons"),
		redemptions:    q("redemptions"),
		orders:         q("orders"),
		resources:      q("resources"),
		invoices:       q("invoices"),
		series:         q("invoice_series"),
		actions:        q("actions"),
		outbox:         q("outbox"),
		usage:          q("usage_events"),
		jobs:           q("jobs"),
		einvoices:      q("einvoices"),
		refunds:        q("refunds"),
		usageTotals:    q("usage_totals"),
	}
}

// queries are the statements the repositories run, with table names filled
// in at construction.
type queries struct {
	createAccount, getAccount, getAccountForUpdate, updateAccount string
	getAccountsForUpdate                                          string
	insertIdempotency, getIdempotency, setIdempotencyResponse     string
	// claimIdempotency is insertIdempotency that also returns the
	// record it lost to, when the statement's snapshot sees it.
	claimIdempotency       string
	appendAudit, listAudit string

	ledger    ledgerQueries
	payments  paymentQueries
	orders    orderQueries
	resources resourceQueries
	usage     usageQueries
	jobs      jobQueries
	einvoices einvoiceQueries
	refunds   refundQueries
}

const accountColumns = "id, type, currency, time_zone, created_at, updated_at, version, credit_limit, discount_rate, legal, tax_treatment"

func newQueries(t tables) queries {
	r := strings.NewReplacer("{accounts}", t.accounts, "{idem}", t.idempotency, "{audit}", t.audit, "{cols}", accountColumns)
	return queries{
		ledger:    newLedgerQueries(t),
		payments:  newPaymentQueries(t),
		orders:    newOrderQueries(t),
		resources: newResourceQueries(t),
		usage:     newUsageQueries(t),
		jobs:      newJobQueries(t),
		einvoices: newEInvoiceQueries(t),
		refunds:   newRefundQueries(t),
		// ON CONFLICT DO NOTHING rather than a unique violation: a
		// violation aborts the whole transaction, while "0 rows" lets the
		// caller handle ErrDuplicate and carry on in the same transaction.
		createAccount: r.Replace(`INSERT INTO {accounts} ({cols})
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`),
		getAccount:          r.Replace(`SELECT {cols} FROM {accounts} WHERE id = $1`),
		getAccountForUpdate: r.Replace(`SELECT {cols} FROM {accounts} WHERE id = $1 FOR UPDATE`),
		// The rows are locked as they leave the sort, so every caller
		// takes the locks of a set of accounts in the same (byte) order
		// and two such callers never deadlock on each other.
		getAccountsForUpdate: r.Replace(`SELECT {cols} FROM {accounts} WHERE id = ANY($1::text[])
			ORDER BY id COLLATE "C" FOR UPDATE`),
		// version is incremented by the database, not from the caller's
		// copy, so a stale value cannot roll it back.
		updateAccount: r.Replace(`UPDATE {accounts}
			SET type = $2, currency = $3, time_zone = $4, updated_at = $5, version = version + 1, credit_limit = $6, discount_rate = $7,
			    legal = $8, tax_treatment = $9
			WHERE id = $1 RETURNING {cols}`),

		// A concurrent uncommitted claim of the same key makes this insert
		// wait; once that claim commits, DO NOTHING reports 0 rows.
		insertIdempotency: r.Replace(`INSERT INTO {idem} (account_id, key, operation, request_hash, response, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, key) DO NOTHING`),
		claimIdempotency: r.Replace(`WITH ins AS (
			INSERT INTO {idem} (account_id, key, operation, request_hash, response, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, key) DO NOTHING RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM ins), k.operation, k.request_hash, k.response, k.created_at
		FROM (SELECT 1) AS one
		LEFT JOIN {idem} k ON k.account_id = $1 AND k.key = $2 AND NOT EXISTS (SELECT 1 FROM ins)`),
		getIdempotency: r.Replace(`SELECT account_id, key, operation, request_hash, response, created_at
			FROM {idem} WHERE account_id = $1 AND key = $2`),
		setIdempotencyResponse: r.Replace(`UPDATE {idem} SET response = $3 WHERE account_id = $1 AND key = $2`),

		appendAudit: r.Replace(`INSERT INTO {audit} (account_id, actor, action, detail, at)
			VALUES ($1, $2, $3, $4, $5) RETURNING seq`),
		listAudit: r.Replace(`SELECT seq, account_id, actor, action, detail, at FROM {audit}
			WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`),
	}
}
