package postgres_test

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestMigrate0009RewritesOldJSONKeys starts from the schema version before
// 0009 holding documents in the shape the build before it wrote (Go field
// names, {"Months":12,"Days":3}, numeric tax modes and part kinds, a
// configuration with the pre-0006 keys), written with plain SQL, and
// checks that after Migrate every document reads back exactly as the
// values it was made from, and that no stored key is capitalised any more
// — except the host's component ids, which are data.
func TestMigrate0009RewritesOldJSONKeys(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	before := migrateBefore(t, pool, schema, 9)
	legacy := readLegacy0009(t)
	insertLegacy0009(t, pool, schema, legacy)

	requireUpgrade(t, pool, schema, before)

	f := newSnakeFixture(t)
	inclusive := f.quote
	inclusive.TaxPolicy.Mode = pricing.TaxInclusive
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	exact := cmp.Options{
		cmp.Comparer(func(a, b money.Amount) bool { return a.String() == b.String() }),
		cmp.Comparer(func(a, b money.Currency) bool { return a == b }),
		cmp.Comparer(func(a, b decimal.Decimal) bool { return a.String() == b.String() }),
		cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	}
	same := func(t *testing.T, want, got any, what string) {
		t.Helper()
		if diff := cmp.Diff(want, got, exact); diff != "" {
			t.Errorf("%s read back differently (-want +got):\n%s", what, diff)
		}
	}
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		for _, o := range []struct {
			id    string
			quote pricing.Quote
		}{{"o1", f.quote}, {"o2", inclusive}} {
			got, err := tx.Orders().Get(ctx, "old", o.id)
			require.NoError(t, err)
			same(t, o.quote, got.Quote, o.id+" quote")
			same(t, f.items, got.Items, o.id+" items")
			same(t, f.targets, got.Targets, o.id+" targets")
		}
		r, err := tx.Resources().Get(ctx, "old", "r1")
		require.NoError(t, err)
		same(t, f.configuration, r.Configuration, "resource configuration")
		same(t, f.line, r.Line, "resource line")
		inv, err := tx.Invoices().Get(ctx, "old", "i1")
		require.NoError(t, err)
		same(t, f.invoiceLines, inv.Lines, "invoice lines")
		acts, err := tx.Actions().List(ctx, "old", "r1", 0, 10)
		require.NoError(t, err)
		require.Len(t, acts, 1)
		same(t, invoice.Configuration(f.oldCfg), acts[0].OldConfiguration, "action old configuration")
		same(t, invoice.Configuration(f.newCfg), acts[0].NewConfiguration, "action new configuration")
		return nil
	})

	tbl := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	for _, q := range []string{
		`SELECT items::text || targets::text || quote::text FROM ` + tbl("orders"),
		`SELECT line::text || (configuration - 'components')::text FROM ` + tbl("resources"),
		`SELECT lines::text FROM ` + tbl("invoices"),
		`SELECT (old_configuration - 'components')::text || (new_configuration - 'components')::text FROM ` + tbl("actions"),
	} {
		rows, err := pool.Query(context.Background(), q)
		require.NoError(t, err)
		docs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		require.NotEmpty(t, docs)
		for _, d := range docs {
			// Component ids inside a line's configuration stay as they are;
			// the fixture's priced configurations have lower-case ids only.
			assert.NotRegexp(t, `"[A-Z][A-Za-z]*": `, d, "no capitalised key is left")
			assert.NotContains(t, d, `"mode": 0`)
			assert.NotContains(t, d, `"kind": 2`)
		}
	}
	var comps string
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT configuration->'components' FROM `+tbl("resources")).Scan(&comps))
	assert.JSONEq(t, `{"Plan":1,"TaxPolicy":2,"vcpu":2}`, comps, "component ids are data: never renamed")
}

// readLegacy0009 reads testdata/legacy_0009.txt: name → document.
func readLegacy0009(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("testdata/legacy_0009.txt")
	require.NoError(t, err)
	defer f.Close()
	docs := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			name, doc, ok := strings.Cut(line, "\t")
			require.True(t, ok, line)
			docs[name] = doc
		}
	}
	require.NoError(t, sc.Err())
	return docs
}

// insertLegacy0009 writes, with plain SQL at the schema version before
// 0009, two orders (the second's quote with the inclusive tax mode, 1), a
// resource, an invoice and an action of account "old".
func insertLegacy0009(t *testing.T, pool *pgxpool.Pool, schema string, d map[string]string) {
	t.Helper()
	tbl := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	inclusive := strings.Replace(d["quote"], `"Mode":0`, `"Mode":1`, 1)
	require.NotEqual(t, d["quote"], inclusive)
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO ` + tbl("orders") + ` (id, account_id, status, payment_id, currency, total, kind, actor, items, targets, quote,
				created_at, updated_at)
			VALUES ($1, 'old', 'pending_payment', '', 'VND', 1, 'resize', 'ops', $2, $3, $4, $5, $5)`,
			[]any{"o1", d["items"], d["targets"], d["quote"], epoch}},
		{`INSERT INTO ` + tbl("orders") + ` (id, account_id, status, payment_id, currency, total, kind, actor, items, targets, quote,
				created_at, updated_at)
			VALUES ($1, 'old', 'pending_payment', '', 'VND', 1, 'resize', 'ops', $2, $3, $4, $5, $5)`,
			[]any{"o2", d["items"], d["targets"], inclusive, epoch}},
		{`INSERT INTO ` + tbl("resources") + ` (id, account_id, order_id, product_id, status, configuration, term_months, term_days,
				line, created_at, updated_at, version)
			VALUES ('r1', 'old', 'o1', 'vserver', 'pending_payment', $1, 12, 3, $2, $3, $3, 1)`,
			[]any{d["configuration"], d["line"], epoch}},
		{`INSERT INTO ` + tbl("invoices") + ` (id, account_id, resource_id, order_id, kind, status, currency, total, tax_mode, lines,
				created_at, updated_at)
			VALUES ('i1', 'old', 'r1', 'o1', 'invoice', 'draft', 'VND', 199100, 'exclusive', $1, $2, $2)`,
			[]any{d["invoiceLines"], epoch}},
		{`INSERT INTO ` + tbl("actions") + ` (id, account_id, resource_id, kind, actor, old_configuration, new_configuration, at)
			VALUES ('a1', 'old', 'r1', 'resize', 'ops', $1, $2, $3)`, []any{d["oldCfg"], d["newCfg"], epoch}},
	} {
		_, err := pool.Exec(context.Background(), stmt.sql, stmt.args...)
		require.NoError(t, err, stmt.sql)
	}
}

// snakeFixture is what the documents of 0009's test hold: an order's
// quote (two lines: a 12-month term with its term discount and a span,
// and a coupon split across them), its items and a resize target, a
// resource's configuration and line, an invoice's lines and an action's
// configurations.
type snakeFixture struct {
	quote          pricing.Quote
	items          []order.Item
	targets        []order.Target
	configuration  pricing.Configuration
	line           pricing.QuoteLine
	invoiceLines   []invoice.Line
	oldCfg, newCfg pricing.Configuration
}

func newSnakeFixture(t testing.TB) snakeFixture {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	start := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	span, err := period.NewSpan(start, start.Add(20*24*time.Hour+90*time.Minute))
	require.NoError(t, err)
	cfg := pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}}
	// A component id that looks like a field name stays as it is.
	odd := pricing.Configuration{Plan: "custom", Components: map[string]int64{"Plan": 1, "TaxPolicy": 2, "vcpu": 2}}
	plan := pricing.Configuration{Plan: "standard-2"}
	coupon, err := money.FromMinor(50_000, "VND")
	require.NoError(t, err)
	q, err := cat.Quote(pricing.QuoteRequest{
		Items: []pricing.QuoteItem{
			{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: period.Term{Months: 12, Days: 3}},
			{ProductID: pricing.SampleVServer, Configuration: plan, Quantity: 2, Span: span},
		},
		Discounts: []pricing.Discount{{Code: "SPRING", Label: "Spring sale", Amount: coupon}},
	})
	require.NoError(t, err)
	for i := range q.Lines {
		// Documents of that build have no line tax rate or treatment, and
		// no explanations as numbers.
		q.Lines[i].TaxRate, q.Lines[i].TaxTreatment, q.Lines[i].Explain = decimal.Decimal{}, "", nil
		for j := range q.Lines[i].Price.Parts {
			q.Lines[i].Price.Parts[j].Explain = nil
		}
	}
	listCharge, err := money.FromMinor(12_345, "VND")
	require.NoError(t, err)
	unit, err := money.FromMinor(181_000, "VND")
	require.NoError(t, err)
	tax, err := money.FromMinor(18_100, "VND")
	require.NoError(t, err)
	total, err := money.FromMinor(199_100, "VND")
	require.NoError(t, err)
	zero, err := money.FromMinor(0, "VND")
	require.NoError(t, err)
	return snakeFixture{
		quote: q,
		items: []order.Item{{ProductID: pricing.SampleVServer, Configuration: cfg, Quantity: 1, Term: period.Term{Months: 12, Days: 3}}},
		targets: []order.Target{{ResourceID: "r1", Start: span.Start, End: span.End, Resize: &order.Resize{
			ResourceID: "r1", Configuration: cfg, OldLine: q.Lines[1], NewLine: q.Lines[0], Start: span.Start, End: span.End, ListCharge: listCharge,
		}}},
		configuration: odd,
		line:          q.Lines[0],
		invoiceLines: []invoice.Line{{Description: "vServer S2", Period: span, Quantity: decimal.NewFromInt(1), UnitPrice: unit,
			Amount: unit, Discount: zero, Net: unit, TaxRate: decimal.New(1, -1), Tax: tax, Total: total, Details: []string{"2 vCPU"}}},
		oldCfg: plan,
		newCfg: odd,
	}
}
