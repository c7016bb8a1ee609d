package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// The documents an earlier build wrote into the opaque data columns, byte
// for byte as its encoders produced them (times at epoch and after).
const (
	legacyResourceData = `{"configuration":{"Plan":"s2","Components":{"disk_gb":40}},"term":{"Months":1,"Days":0},` +
		`"price_per_30_days":"181000 VND","line":{"Item":0,"ProductID":"vserver","Configuration":{"Plan":"s2","Components":null},` +
		`"Quantity":1,"Term":{"Months":1,"Days":0},"Minutes":43200,"Base":"181000 VND","Total":"199100 VND","Breakdown":["S2"]},` +
		`"coupon_shares":{"SPRING":"1950 VND"},"payment_id":"p1","auto_renew":true,"auto_renew_term":{"Months":3,"Days":0},` +
		`"since":"2026-01-15T09:31:00Z","next_reminder":2,"next_attempt":1,"invoice_ids":["i1","cn1"],"failure_reason":"",` +
		`"value":{"segments":[{"from":"2026-01-15T09:30:00Z","end":"2026-02-14T09:30:00Z","value":"187000 VND","list":"199100 VND"}]},` +
		`"value_tracked":true,"tick_attempts":3,"tick_error":"gateway down","tick_retry_at":"2026-01-15T09:34:00Z"}`
	legacyBareResourceData = `{"configuration":{"Plan":"","Components":null},"term":{"Months":0,"Days":60},` +
		`"price_per_30_days":"","line":{},"auto_renew":false,"auto_renew_term":{"Months":1,"Days":0},` +
		`"since":"0001-01-01T00:00:00Z","next_reminder":0,"next_attempt":0,"value":{}}`
	legacyOrderData = `{"kind":"resize","targets":[{"resource_id":"r1","start":"2026-01-15T09:30:00Z","end":"2026-02-14T09:30:00Z",` +
		`"resize":{"resource_id":"r1","configuration":{"Plan":"s4","Components":null},"old_line":{},"new_line":{},` +
		`"start":"2026-01-15T09:30:00Z","end":"2026-02-14T09:30:00Z","list_charge":"5 VND"}}],` +
		`"items":[{"product_id":"vserver","configuration":{"Plan":"s2","Components":null},"quantity":1,"term":{"Months":1,"Days":0}}],` +
		`"coupons":["SPRING"],"quote":{"Currency":{},"TaxPolicy":{"Rate":"0.1","Mode":0},"Lines":null,"Discounts":null,` +
		`"Subtotal":"181000 VND","Discount":"0 VND","Net":"181000 VND","Tax":"18100 VND","Total":"199100 VND"},"actor":"ops"}`
	legacyInvoiceData = `{"id":"i1","account_id":"old","resource_id":"r1","kind":"invoice","series":"INV-2026","number":7,` +
		`"status":"paid","currency":"VND","tax_mode":"exclusive","lines":[{"description":"vServer S2","period":{"Start":` +
		`"2026-01-15T09:30:00Z","End":"2026-02-14T09:30:00Z"},"quantity":"1","unit_price":"181000 VND","amount":"181000 VND",` +
		`"discount":"0 VND","net":"181000 VND","tax_rate":"0.1","tax":"18100 VND","total":"199100 VND"}],"subtotal":"181000 VND",` +
		`"discount":"0 VND","net":"181000 VND","tax":"18100 VND","total":"199100 VND","amount_paid":"199100 VND",` +
		`"amount_credited":"87483 VND","created_at":"2026-01-15T09:30:00Z","issued_at":"2026-01-15T09:31:00Z",` +
		`"paid_at":"2026-01-15T09:31:00Z","memo":"thanks"}`
	legacyActionData = `{"kind":"resize","old_configuration":{"Plan":"s2","Components":null},"new_configuration":` +
		`{"Plan":"s4","Components":{"disk_gb":80}},"old_period":{"Start":"2026-01-15T09:30:00Z","End":"2026-02-14T09:30:00Z"},` +
		`"new_period":{"Start":"0001-01-01T00:00:00Z","End":"0001-01-01T00:00:00Z"},"invoice_id":"i1","note":"upgrade"}`
	legacyCouponData = `{"Code":"SPRING","Kind":"percent","Percent":"20","Products":["vserver"]}`
)

// insertLegacyRows writes, with plain SQL in the shape of schema version
// 4 or 5, an order, two resources, an invoice, an action and a coupon of
// account acct, as an earlier build stored them.
func insertLegacyRows(t *testing.T, pool *pgxpool.Pool, schema, acct string) {
	t.Helper()
	tbl := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	ctx := context.Background()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO ` + tbl("orders") + ` (id, account_id, status, payment_id, currency, total, data, created_at, updated_at)
			VALUES ('o1', $1, 'pending_payment', 'p1', 'VND', 199100, convert_to($2, 'UTF8'), $3, $3)`, []any{acct, legacyOrderData, epoch}},
		{`INSERT INTO ` + tbl("resources") + ` (id, account_id, order_id, product_id, status, period_start, period_end, next_due_at,
				data, created_at, updated_at, version)
			VALUES ('r1', $1, 'o1', 'vserver', 'active', $3, $4, $4, convert_to($2, 'UTF8'), $3, $3, 4)`,
			[]any{acct, legacyResourceData, epoch, epoch.Add(30 * 24 * time.Hour)}},
		{`INSERT INTO ` + tbl("resources") + ` (id, account_id, order_id, product_id, status, data, created_at, updated_at, version)
			VALUES ('r2', $1, 'o1', 'vserver', 'pending_payment', convert_to($2, 'UTF8'), $3, $3, 1)`,
			[]any{acct, legacyBareResourceData, epoch}},
		{`INSERT INTO ` + tbl("invoices") + ` (id, account_id, resource_id, order_id, kind, status, series, number, currency, total,
				data, issued_at, created_at, updated_at)
			VALUES ('i1', $1, 'r1', 'o1', 'invoice', 'paid', 'INV-2026', 7, 'VND', 199100, convert_to($2, 'UTF8'), $3, $4, $4)`,
			[]any{acct, legacyInvoiceData, epoch.Add(time.Minute), epoch}},
		{`INSERT INTO ` + tbl("actions") + ` (id, account_id, resource_id, kind, actor, data, at)
			VALUES ('a1', $1, 'r1', 'resize', 'ops', convert_to($2, 'UTF8'), $3)`, []any{acct, legacyActionData, epoch}},
		{`INSERT INTO ` + tbl("coupons") + ` (code, definition, created_at, updated_at)
			VALUES ('SPRING', convert_to($1, 'UTF8'), $2, $2)`, []any{legacyCouponData, epoch}},
	} {
		_, err := pool.Exec(ctx, stmt.sql, stmt.args...)
		require.NoError(t, err, stmt.sql)
	}
}

// checkLegacyRows reads the rows insertLegacyRows wrote through the store,
// after the upgrade, and checks that every field of the old documents came
// through to its typed field.
func checkLegacyRows(t *testing.T, st *postgres.Store, acct string) {
	t.Helper()
	inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
		r, err := tx.Resources().Get(ctx, acct, "r1")
		require.NoError(t, err)
		assert.Equal(t, lifecycle.StateActive, r.Status)
		assert.Equal(t, "s2", r.Configuration.Plan)
		assert.Equal(t, int64(40), r.Configuration.Components["disk_gb"])
		assert.Equal(t, period.Months(1), r.Term)
		assert.Equal(t, "181000 VND", r.PricePer30Days.String())
		assert.Equal(t, "199100 VND", r.Line.Total.String())
		assert.Equal(t, int64(43_200), r.Line.Minutes)
		assert.Equal(t, "1950 VND", r.CouponShares["SPRING"].String())
		assert.Equal(t, "p1", r.PaymentID)
		assert.True(t, r.AutoRenew)
		assert.Equal(t, period.Months(3), r.AutoRenewTerm)
		assert.True(t, r.Since.Equal(epoch.Add(time.Minute)))
		assert.Equal(t, 2, r.NextReminder)
		assert.Equal(t, 1, r.NextAttempt)
		assert.Equal(t, []string{"i1", "cn1"}, r.InvoiceIDs)
		require.Len(t, r.Value.Segments, 1)
		assert.Equal(t, "187000 VND", r.Value.Segments[0].Value.String())
		assert.Equal(t, "199100 VND", r.Value.Segments[0].List.String())
		assert.True(t, r.ValueTracked)
		assert.Equal(t, 3, r.TickAttempts)
		assert.Equal(t, "gateway down", r.TickError)
		assert.True(t, r.TickRetryAt.Equal(epoch.Add(4*time.Minute)))
		assert.Equal(t, int64(4), r.Version)
		assert.True(t, r.Anchor.IsZero(), "no anchor was recorded before")

		bare, err := tx.Resources().Get(ctx, acct, "r2")
		require.NoError(t, err)
		assert.Equal(t, period.Days(60), bare.Term)
		assert.True(t, bare.PricePer30Days.IsZero() && bare.PricePer30Days.Currency().IsZero(), "no price is the zero Amount")
		assert.True(t, bare.Since.IsZero(), "the zero time stays zero")
		assert.Nil(t, bare.InvoiceIDs)
		assert.Empty(t, bare.Value.Segments)

		o, err := tx.Orders().Get(ctx, acct, "o1")
		require.NoError(t, err)
		assert.Equal(t, order.StatusPending, o.Status)
		assert.Equal(t, order.KindResize, o.Kind)
		assert.Equal(t, "ops", o.Actor)
		assert.Equal(t, []string{"SPRING"}, o.Coupons)
		require.Len(t, o.Items, 1)
		assert.Equal(t, period.Months(1), o.Items[0].Term)
		require.Len(t, o.Targets, 1)
		require.NotNil(t, o.Targets[0].Resize)
		assert.Equal(t, "s4", o.Targets[0].Resize.Configuration.Plan)
		assert.Equal(t, "5 VND", o.Targets[0].Resize.ListCharge.String())
		assert.Equal(t, "VND", o.Quote.Currency.Code(), "the quote's lost currency is restored from the order")
		assert.Equal(t, "199100 VND", o.Quote.Total.String())

		inv, err := tx.Invoices().Get(ctx, acct, "i1")
		require.NoError(t, err)
		assert.Equal(t, invoice.StatusPaid, inv.Status)
		assert.Equal(t, invoice.TaxExclusive, inv.TaxMode)
		assert.Equal(t, "o1", inv.OrderID)
		assert.Equal(t, "VND", inv.Currency)
		for _, a := range []struct{ name, got, want string }{{"subtotal", inv.Subtotal.String(), "181000 VND"},
			{"discount", inv.Discount.String(), "0 VND"}, {"tax", inv.Tax.String(), "18100 VND"}, {"total", inv.Total.String(), "199100 VND"},
			{"paid", inv.AmountPaid.String(), "199100 VND"}, {"credited", inv.AmountCredited.String(), "87483 VND"}} {
			assert.Equal(t, a.want, a.got, a.name)
		}
		require.Len(t, inv.Lines, 1)
		assert.Equal(t, "vServer S2", inv.Lines[0].Description)
		assert.Equal(t, "0.1", inv.Lines[0].TaxRate.String())
		assert.True(t, inv.PaidAt.Equal(epoch.Add(time.Minute)))
		assert.True(t, inv.DueAt.IsZero())
		assert.Equal(t, "thanks", inv.Memo)

		acts, err := tx.Actions().List(ctx, acct, "r1", 0, 10)
		require.NoError(t, err)
		require.Len(t, acts, 1)
		a := acts[0]
		assert.Equal(t, invoice.ActionResize, a.Kind)
		assert.Equal(t, "s2", a.OldConfiguration.Plan, "the catalog's key names read as the action log's")
		assert.Equal(t, int64(80), a.NewConfiguration.Components["disk_gb"])
		assert.True(t, a.OldPeriod.End.Equal(epoch.Add(30*24*time.Hour)))
		assert.True(t, a.NewPeriod.Start.IsZero())
		assert.Equal(t, "i1", a.InvoiceID)
		assert.Equal(t, "upgrade", a.Note)

		c, err := tx.Coupons().Get(ctx, "SPRING")
		require.NoError(t, err)
		assert.Equal(t, []string{"vserver"}, c.Definition.Products)
		return nil
	})
}

// TestMigrate0006OnTopOf0005 starts from a schema an earlier build left at
// version 5, with its records stored as opaque JSON, and checks that
// Migrate applies only 0006 and that every field comes back typed.
func TestMigrate0006OnTopOf0005(t *testing.T) {
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	migrateByHand(t, pool, schema, 5)
	insertLegacyRows(t, pool, schema, "old")

	requireUpgrade(t, pool, schema, 5)

	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	checkLegacyRows(t, st, "old")
}
