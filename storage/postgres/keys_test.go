package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// keysIn returns every primary key and unique constraint of the schema's
// tables, as "table PRIMARY KEY (columns)" or "table UNIQUE (columns)".
func keysIn(t *testing.T, pool *pgxpool.Pool, schema string) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT c.relname::text || ' ' || pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE k.connamespace = $1::regnamespace AND k.contype IN ('p', 'u')
		ORDER BY 1`, schema)
	require.NoError(t, err)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return keys
}

// globalKeys are the keys not led by the tenant, each with why it is
// global. Every other key of every table starts with account_id (or is the
// tenant's own id).
var globalKeys = map[string]string{
	"accounts PRIMARY KEY (id)":                      "the tenant itself",
	"coupons PRIMARY KEY (code)":                     "one coupon catalog for every tenant",
	"gateway_events PRIMARY KEY (gateway, event_id)": "the gateway's own event ids; GatewayEvents.Record names no tenant",
	"invoice_series PRIMARY KEY (series)":            "numbers are gapless per series across the issuer",
	"invoices UNIQUE (series, number)":               "numbers are gapless per series across the issuer",
	"schema_migrations PRIMARY KEY (version)":        "the schema's own bookkeeping",
	"payments UNIQUE (id)":                           "ids are unique per store; gateway callbacks look a payment up by id alone",
	"refunds UNIQUE (id)":                            "ids are unique per store; refund callbacks look a refund up by id alone",
	"linked_accounts UNIQUE (id)":                    "ids are unique per store; gateway callbacks look a linked account up by id alone",
	"payment_links UNIQUE (token)":                   "tokens are unique per store; a payer opens a link by its token alone",
	"redemptions UNIQUE (id)":                        "ids are unique per store (storage contract)",
	"orders UNIQUE (id)":                             "ids are unique per store (storage contract)",
	"resources UNIQUE (id)":                          "ids are unique per store (storage contract)",
	"invoices UNIQUE (id)":                           "ids are unique per store (storage contract)",
	"actions UNIQUE (id)":                            "ids are unique per store (storage contract)",
	"outbox UNIQUE (id)":                             "ids are unique per store (storage contract)",
	"outbox UNIQUE (seq)":                            "the worker reads and locks an event by seq alone",
	"einvoices UNIQUE (id)":                          "ids are unique per store (storage contract)",
	"einvoices UNIQUE (series, number)":              "e-invoice numbers are the seller's, unique per series across the issuer",
}

// TestEveryTenantKeyStartsWithTheTenant checks the key layout a database
// that distributes rows by primary key relies on: every primary key and
// unique constraint starts with account_id, except the documented global
// ones, and every table with an account_id column has a primary key that
// starts with it.
func TestEveryTenantKeyStartsWithTheTenant(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))

	keys := keysIn(t, pool, schema)
	var global []string
	primary := map[string]string{}
	for _, k := range keys {
		table, def, _ := strings.Cut(k, " ")
		if strings.HasPrefix(def, "PRIMARY KEY") {
			primary[table] = def
		}
		if _, ok := globalKeys[k]; ok {
			global = append(global, k)
			continue
		}
		assert.Regexp(t, `^(PRIMARY KEY|UNIQUE) \(account_id, `, def, "%s: a tenant table's key starts with account_id", table)
	}
	want := make([]string, 0, len(globalKeys))
	for k := range globalKeys {
		want = append(want, k)
	}
	assert.ElementsMatch(t, want, global, "every documented global key exists, and no other")

	rows, err := pool.Query(ctx, `SELECT table_name::text FROM information_schema.columns
		WHERE table_schema = $1 AND column_name = 'account_id' ORDER BY 1`, schema)
	require.NoError(t, err)
	tenantTables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.NotEmpty(t, tenantTables)
	for _, table := range tenantTables {
		assert.True(t, strings.HasPrefix(primary[table], "PRIMARY KEY (account_id, "), "%s: primary key %q", table, primary[table])
	}
}

// TestMigrate0005OnTopOf0004 starts from a schema an older build left at
// version 4, holding a record of every table whose key 0005 changes, and
// checks that Migrate applies only 0005, keeps every record reachable by
// tenant and by id alone where the contract looks it up so, and that ids
// stay unique across tenants.
func TestMigrate0005OnTopOf0004(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, schema, 4)
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	var eventSeq int64
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		require.NoError(t, insertOldAccount(ctx, tx, schema, "old"))
		_, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: "old", Actor: "op", Action: "account.created", At: epoch})
		require.NoError(t, err)
		_, err = tx.Ledger().Append(ctx, ledgerEntry(t, "old", "fund", 181_000, "gateway:clearing:sim", "customer:cash"))
		require.NoError(t, err)
		// By hand: the store's own insert writes columns later versions added.
		require.NoError(t, insertOldPayment(ctx, tx, schema, "old", "p1", "pending", epoch))
		require.NoError(t, tx.LinkedAccounts().Create(ctx, storage.LinkedAccount{ID: "la1", AccountID: "old", Gateway: "sim",
			Status: "active", CreatedAt: epoch, UpdatedAt: epoch}))
		require.NoError(t, tx.PaymentLinks().Create(ctx, storage.PaymentLink{Token: "tok1", AccountID: "old", Amount: vnd(t, 1000),
			Status: "open", CreatedAt: epoch, UpdatedAt: epoch}))
		require.NoError(t, tx.Redemptions().Create(ctx, storage.Redemption{ID: "rd1", Code: "C", AccountID: "old", OrderID: "o1",
			Status: "reserved", CreatedAt: epoch, UpdatedAt: epoch}))
		ev, err := tx.Outbox().Append(ctx, storage.Event{ID: "e1", AccountID: "old", Stream: "r1", Kind: "k", CreatedAt: epoch})
		eventSeq = ev.Seq
		return err
	})

	// Orders, resources, invoices and actions changed shape after 4; they
	// are written as that build wrote them.
	insertLegacyRows(t, pool, schema, "old")

	requireUpgrade(t, pool, schema, 4)
	checkLegacyRows(t, st, "old")

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		audit, err := tx.Audit().List(ctx, "old", 0, 10)
		require.NoError(t, err)
		assert.Len(t, audit, 1)
		e, err := tx.Ledger().Entry(ctx, "old", "fund")
		require.NoError(t, err)
		assert.Len(t, e.Postings, 2, "postings still belong to their entry")
		p, err := tx.Payments().LookupForUpdate(ctx, "p1")
		require.NoError(t, err, "a payment is found by id alone")
		assert.Equal(t, "old", p.AccountID)
		la, err := tx.LinkedAccounts().LookupForUpdate(ctx, "la1")
		require.NoError(t, err, "a linked account is found by id alone")
		assert.Equal(t, "old", la.AccountID)
		link, err := tx.PaymentLinks().GetForUpdate(ctx, "tok1")
		require.NoError(t, err, "a link is found by token alone")
		assert.Equal(t, "old", link.AccountID)
		rds, err := tx.Redemptions().ListByOrder(ctx, "old", "o1")
		require.NoError(t, err)
		assert.Len(t, rds, 1)
		_, err = tx.Orders().Get(ctx, "old", "o1")
		require.NoError(t, err)
		_, err = tx.Resources().Get(ctx, "old", "r1")
		require.NoError(t, err)
		_, err = tx.Invoices().Get(ctx, "old", "i1")
		require.NoError(t, err)
		actions, err := tx.Actions().List(ctx, "old", "", 0, 10)
		require.NoError(t, err)
		assert.Len(t, actions, 1)
		ev, err := tx.Outbox().GetForUpdate(ctx, eventSeq)
		require.NoError(t, err, "an event is found by seq alone")
		assert.Equal(t, "e1", ev.ID)
		return nil
	})

	// Another tenant cannot take an id that exists, as before 0005; each
	// duplicate is checked in a transaction of its own.
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, account("new")) })
	for name, create := range map[string]func(ctx context.Context, tx storage.Tx) error{
		"payment": func(ctx context.Context, tx storage.Tx) error {
			return tx.Payments().Create(ctx, payment(t, "new", "p1", epoch))
		},
		"linked account": func(ctx context.Context, tx storage.Tx) error {
			return tx.LinkedAccounts().Create(ctx, storage.LinkedAccount{ID: "la1", AccountID: "new", Gateway: "sim", Status: "active", CreatedAt: epoch, UpdatedAt: epoch})
		},
		"payment link": func(ctx context.Context, tx storage.Tx) error {
			return tx.PaymentLinks().Create(ctx, storage.PaymentLink{Token: "tok1", AccountID: "new", Amount: vnd(t, 1000), Status: "open", CreatedAt: epoch, UpdatedAt: epoch})
		},
		"redemption": func(ctx context.Context, tx storage.Tx) error {
			return tx.Redemptions().Create(ctx, storage.Redemption{ID: "rd1", Code: "C", AccountID: "new", OrderID: "o1", Status: "reserved", CreatedAt: epoch, UpdatedAt: epoch})
		},
		"order": func(ctx context.Context, tx storage.Tx) error {
			return tx.Orders().Create(ctx, storage.Order{ID: "o1", AccountID: "new", Status: "paid", CreatedAt: epoch, UpdatedAt: epoch})
		},
		"resource": func(ctx context.Context, tx storage.Tx) error {
			return tx.Resources().Create(ctx, resource("new", "r1", epoch))
		},
		"invoice": func(ctx context.Context, tx storage.Tx) error {
			return tx.Invoices().Create(ctx, draftInvoice(t, "new", "i1", "r1"))
		},
		"action": func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: "a1", AccountID: "new", ResourceID: "r1", Kind: invoice.ActionCreate, At: epoch}}))
		},
		"event": func(ctx context.Context, tx storage.Tx) error {
			return second(tx.Outbox().Append(ctx, storage.Event{ID: "e1", AccountID: "new", Stream: "r1", Kind: "k", CreatedAt: epoch}))
		},
	} {
		err := st.InTx(context.Background(), create)
		assert.ErrorIs(t, err, storage.ErrDuplicate, "%s: an id another tenant holds", name)
	}
}
