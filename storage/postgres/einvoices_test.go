package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
	"github.com/cloudbill/cloudbill/storage/storagetest"
)

// TestEInvoicesConformAtSerializable runs the e-invoice area of the suite
// at SERIALIZABLE, where a racing create or update is an abort InTx reruns
// rather than a wait: the outcomes are the same.
func TestEInvoicesConformAtSerializable(t *testing.T) {
	storagetest.EInvoices(t, func(t *testing.T) storage.Store { return newStoreAt(t, postgres.Serializable) },
		storagetest.Options{Parallelism: 16})
}

// TestEInvoiceChecksHoldInTheDatabase writes rows with plain SQL, past the
// repository's checks in Go: each rule the repository enforces is also a
// CHECK of the table (SQLSTATE 23514, storage.ErrInvalidRecord), so a row
// the table holds is always one the repository would accept.
func TestEInvoiceChecksHoldInTheDatabase(t *testing.T) {
	st := pgtest.NewStore(t)
	table := pgx.Identifier{st.Schema(), "einvoices"}.Sanitize()
	insert := `INSERT INTO ` + table + ` (account_id, id, source, kind, document_ids, series, number, issued_at, status,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8)`
	type row struct {
		acct, id, source, kind string
		docs                   []string
		series                 string
		number                 int64
		status                 string
	}
	good := row{"a", "e1", "invoice:inv-1", "original", []string{"inv-1"}, "1C26TAA", 1, "draft"}
	for name, mut := range map[string]func(*row){
		"an empty id":          func(r *row) { r.id = "" },
		"an empty account":     func(r *row) { r.acct = "" },
		"an empty source":      func(r *row) { r.source = "" },
		"an unknown kind":      func(r *row) { r.kind = "credit" },
		"no documents":         func(r *row) { r.docs = []string{} },
		"an empty document":    func(r *row) { r.docs = []string{"inv-1", ""} },
		"an empty series":      func(r *row) { r.series = "" },
		"number 0":             func(r *row) { r.number = 0 },
		"number 100,000,000":   func(r *row) { r.number = 100_000_000 },
		"an unknown status":    func(r *row) { r.status = "issued" },
		"an empty status":      func(r *row) { r.status = "" },
		"a NULL document (in)": func(r *row) { r.docs = nil },
	} {
		t.Run(name+" is refused by a CHECK", func(t *testing.T) {
			r := good
			mut(&r)
			var docs any = r.docs
			if name == "a NULL document (in)" {
				docs = []*string{ptr("inv-1"), nil}
			}
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				q, _ := postgres.SQL(tx)
				_, err := q.Exec(ctx, insert, r.acct, r.id, r.source, r.kind, docs, r.series, r.number, epoch, r.status)
				return err
			})
			require.ErrorIs(t, err, storage.ErrInvalidRecord)
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr))
			assert.Equal(t, "23514", pgErr.Code, "a CHECK violation: %s", pgErr.Message)
		})
	}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		q, _ := postgres.SQL(tx)
		_, err := q.Exec(ctx, insert, good.acct, good.id, good.source, good.kind, good.docs, good.series, int64(99_999_999), epoch, good.status)
		return err
	})
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		e, err := tx.EInvoices().Get(ctx, "a", "e1")
		require.NoError(t, err)
		assert.Equal(t, int64(99_999_999), e.Number)
		assert.Nil(t, e.XML, "the column's default, no XML, reads as none")
		return nil
	})
}

func ptr[T any](v T) *T { return &v }

// seedEInvoices inserts n e-invoices of 100 tenants, each stating its own
// invoice ("inv-<n>") and every tenth a credit note as well, created one
// second apart.
func seedEInvoices(t testing.TB, st *postgres.Store, n int) {
	t.Helper()
	seed(t, st, "einvoices", fmt.Sprintf(`INSERT INTO %s.einvoices
		(account_id, id, source, kind, document_ids, series, number, issued_at, status, created_at, updated_at)
		SELECT 'acct-' || (g %% 100), 'ei' || lpad(g::text, 6, '0'), 'invoice:inv-' || g, 'original',
			CASE WHEN g %% 10 = 0 THEN ARRAY['inv-' || g, 'cn-' || g] ELSE ARRAY['inv-' || g] END,
			'1C26TAA', g, $1::timestamptz, 'sent', $1::timestamptz + g * interval '1 second', $1::timestamptz
		FROM generate_series(1, $2::int) g`, st.Schema()), epoch, n)
}

// TestByDocumentReadsTheDocumentIndex: among 20,000 e-invoices,
// ByDocument's statement finds a document's e-invoices through the GIN
// index einvoices_documents — for the plan made for the document and for
// the generic plan of a prepared statement — and never scans the table.
// A page of List after a cursor reads einvoices_account_created in its
// order, from the cursor on, and stops after the page: no sort.
func TestByDocumentReadsTheDocumentIndex(t *testing.T) {
	st := pgtest.NewStore(t)
	seedEInvoices(t, st, 20_000)
	// Three more e-invoices state inv-4242: an adjustment and a
	// replacement, after the original.
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for i, kind := range []string{"adjustment", "replacement"} {
			e := storage.EInvoice{ID: fmt.Sprintf("later-%d", i), AccountID: "acct-42", Source: fmt.Sprintf("%s:inv-4242", kind),
				Kind: kind, DocumentIDs: []string{"inv-4242"}, Series: "1C26TAA", Number: int64(30_000 + i), IssuedAt: epoch,
				RelatedID: "ei004242", Status: "draft", CreatedAt: epoch.Add(24 * time.Hour), UpdatedAt: epoch}
			if err := tx.EInvoices().Create(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})

	for _, generic := range []bool{false, true} {
		t.Run(fmt.Sprintf("generic plan %v: ByDocument reads einvoices_documents", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.EInvoicesByDocumentQuery(st), "'acct-42'", "'inv-4242'")
			if generic {
				assert.Contains(t, plan, "$2", "the plan is generic: the document is a parameter")
			}
			assert.Regexp(t, `Bitmap Index Scan on einvoices_documents \(actual rows=3 `, plan)
			assert.NotContains(t, plan, "Seq Scan", plan)
		})
		t.Run(fmt.Sprintf("generic plan %v: List after a cursor reads einvoices_account_created in order", generic), func(t *testing.T) {
			plan := explain(t, st, generic, postgres.EInvoicesListAfterQuery(st), "'acct-42'", "10", "'ei019942'")
			assert.Regexp(t, `Index Scan using einvoices_account_created on \S+ \(actual rows=10 `, plan,
				"a page of 10 of the 199 e-invoices of acct-42 created before ei019942")
			assert.NotContains(t, plan, "Seq Scan", plan)
			assert.NotContains(t, plan, "Sort", plan, "the index gives List's order")
		})
	}

	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.EInvoices().ByDocument(ctx, "acct-42", "inv-4242")
		require.NoError(t, err)
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		assert.Equal(t, []string{"ei004242", "later-0", "later-1"}, ids, "oldest first")
		got, err = tx.EInvoices().ByDocument(ctx, "acct-40", "cn-4240")
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, []string{"inv-4240", "cn-4240"}, got[0].DocumentIDs)
		got, err = tx.EInvoices().ByDocument(ctx, "acct-41", "inv-4242")
		require.NoError(t, err)
		assert.Empty(t, got, "another tenant's document")
		return nil
	})
}

// TestMigrate0017OnTopOf0016 starts from the schema version before 0017
// holding an account, and checks that Migrate adds only the einvoices
// table and its indexes, that the account is intact, and that e-invoices
// are stored on the upgraded schema.
func TestMigrate0017OnTopOf0016(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	before := migrateBefore(t, pool, schema, 17)
	require.NotContains(t, tablesIn(t, pool, schema), "einvoices")
	_, err := pool.Exec(ctx, `INSERT INTO `+pgx.Identifier{schema, "accounts"}.Sanitize()+`
		(id, type, currency, time_zone, created_at, updated_at, version) VALUES ('old', 'prepaid', 'VND', 'Asia/Ho_Chi_Minh', $1, $1, 1)`, epoch)
	require.NoError(t, err)

	requireUpgrade(t, pool, schema, before)

	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		a, err := tx.Accounts().Get(ctx, "old")
		require.NoError(t, err)
		assert.Equal(t, "Asia/Ho_Chi_Minh", a.TimeZone, "the account written before 0017 is intact")
		e := storage.EInvoice{ID: "e1", AccountID: "old", Source: "invoice:inv-1", Kind: "original", DocumentIDs: []string{"inv-1"},
			Series: "1C26TAA", Number: 1, IssuedAt: epoch, Status: "draft", CreatedAt: epoch, UpdatedAt: epoch}
		require.NoError(t, tx.EInvoices().Create(ctx, e))
		got, err := tx.EInvoices().BySource(ctx, "old", "invoice:inv-1")
		require.NoError(t, err)
		assert.Equal(t, e, got)
		return nil
	})
}
