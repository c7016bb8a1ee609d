package billing_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// statementCounter counts the statements a pool sends (n) and the round
// trips they take (trips): a statement sent alone is one of each; a pgx
// batch is one round trip for all its statements. With
// CLOUDBILL_TRACE_SQL set it also prints each statement's start.
type statementCounter struct{ n, trips atomic.Int64 }

// traceSQL prints the start of a statement when CLOUDBILL_TRACE_SQL is set.
func traceSQL(prefix, sql string) {
	if os.Getenv("CLOUDBILL_TRACE_SQL") != "" {
		s := strings.Join(strings.Fields(sql), " ")
		fmt.Println(prefix, s[:min(110, len(s))])
	}
}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	traceSQL("SQL:", d.SQL)
	c.n.Add(1)
	c.trips.Add(1)
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *statementCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if d.Batch != nil {
		traceSQL(fmt.Sprintf("SQL: batch of %d:", d.Batch.Len()), d.Batch.QueuedQueries[0].SQL)
	}
	c.trips.Add(1)
	return ctx
}

func (c *statementCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {
	c.n.Add(1)
}

func (c *statementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// TestStatementsPerOperation pins how many statements (round trips,
// BEGIN and COMMIT included) each billing operation sends to PostgreSQL,
// as docs/ARCHITECTURE.md lists them: a change that adds a read-back or a
// lookup shows here first. The bounds are the counts measured, so any
// increase fails; a decrease is a reason to lower them.
func TestStatementsPerOperation(t *testing.T) {
	dsn := pgtest.DSN(t)
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	counter := &statementCounter{}
	cfg.ConnConfig.Tracer = counter
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	opts := postgres.Options{Schema: pgtest.NewSchema(t, pool)}
	require.NoError(t, pgtest.FromEnv(&opts))
	st, err := postgres.New(pool, opts)
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	e := newEnvWith(t, st, nil)

	_, err = e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "acct"})
	require.NoError(t, err)
	_, err = e.sys.GrantPromotionalCredit(ctx, "fund", billing.GrantRequest{AccountID: "acct", Amount: vnd(t, 100_000_000),
		ValidFor: 3650 * 24 * time.Hour, Actor: "ops"})
	require.NoError(t, err)
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"},
		Quantity: 1, Term: period.Months(1)}}

	// measure runs op and checks its statements and its round trips
	// against the most of each measured.
	measure := func(name string, most, mostTrips int64, op func() error) {
		t.Helper()
		before, tripsBefore := counter.n.Load(), counter.trips.Load()
		require.NoError(t, op(), name)
		got, trips := counter.n.Load()-before, counter.trips.Load()-tripsBefore
		t.Logf("%-34s %3d statements in %3d round trips", name, got, trips)
		require.LessOrEqual(t, got, most, "%s sends more statements than before", name)
		require.LessOrEqual(t, trips, mostTrips, "%s takes more round trips than before", name)
		require.LessOrEqual(t, trips, got, "%s: a round trip sends at least one statement", name)
	}
	var pending billing.Order
	// 2 round trips: BEGIN, the idempotency claim, the account's lock
	// and the wallet's balances, read ahead together; then every write
	// (the order and resource, ledger entry, payment, events, the stored
	// result) held back and sent with COMMIT — the order's and the
	// resource's settlement folded into their inserts, still queued. The result is built from what was written: no second
	// transaction reads it back.
	measure("Checkout by credit, one vServer", 12, 2, func() error {
		_, err := e.sys.Checkout(ctx, "c1", billing.CheckoutRequest{AccountID: "acct", Items: items, Method: payment.MethodCredit})
		return err
	})
	measure("Checkout by gateway (pending)", 24, 8, func() error {
		res, err := e.sys.Checkout(ctx, "c2", billing.CheckoutRequest{AccountID: "acct", Items: items,
			Method: payment.MethodGateway, Gateway: "sim"})
		pending = res.Order
		return err
	})
	// 2 round trips: BEGIN, the claim, and every read read ahead after
	// it — the account's lock, the order (the obligation, locked), its
	// resources and the wallet's balances; then every write (ledger
	// entry, payment, events, the order and its resources settled, the
	// stored result) with COMMIT. The paid payment is shown in the
	// account's zone from what was written.
	measure("Pay by credit", 14, 2, func() error {
		_, err := e.sys.Pay(ctx, "p1", billing.PayRequest{AccountID: "acct", Amount: pending.Total, Method: payment.MethodCredit,
			Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: pending.ID}})
		return err
	})
	// 2 round trips: BEGIN, the claim (which reads the first call's
	// record), the account's lock and the balances (read ahead for a
	// first call, unused here); then, in the same transaction, which
	// wrote nothing, the result as it is now — its four reads read ahead
	// together (payment, account, order, resources) as the
	// transaction's last statements, with ROLLBACK, its end.
	measure("Checkout replayed (same key)", 9, 2, func() error {
		_, err := e.sys.Checkout(ctx, "c1", billing.CheckoutRequest{AccountID: "acct", Items: items, Method: payment.MethodCredit})
		return err
	})
	// 1 round trip: BEGIN, the account and its balances read ahead as
	// the transaction's last statements, and its end.
	measure("Wallet", 4, 1, func() error {
		_, err := e.sys.Wallet(ctx, "acct")
		return err
	})

	// Renewal reminders: a Tick sending the T−7 reminder of 3 resources
	// of one account, one page: BEGIN with the claim (ClaimDue, which
	// locks and returns the rows, used as they are), the page's accounts
	// locked once (GetManyForUpdate), then each resource's reminder event
	// and update held back and sent with COMMIT — 3 round trips whatever
	// the page's size, 2 statements more per resource — and the other
	// sweeps' 5 read-only transactions (15 statements in 10 round trips).
	_, err = e.sys.CreateAccount(ctx, "open-rem", billing.CreateAccountRequest{ID: "rem"})
	require.NoError(t, err)
	_, err = e.sys.Tick(ctx, 100) // whatever else is due now, done before the measure
	require.NoError(t, err)
	seedReminderDue(t, e, "rem", "rem1", "rem2", "rem3")
	measure("Tick sending 3 reminders", 25, 13, func() error {
		rep, err := e.sys.Tick(ctx, 100)
		if err == nil && (rep.Resources != 3 || rep.Reminders != 3) {
			err = fmt.Errorf("tick processed %d resources and sent %d reminders, want 3 of each", rep.Resources, rep.Reminders)
		}
		return err
	})

	// RecordUsage of 10 new events of a prepaid account's resource: BEGIN
	// with the resource's lock; the account; the month's total (read from
	// the hourly totals); the events' COPY (one more round trip, which
	// the tracer does not count: pgx traces a COPY apart); then the credit
	// hold job, held back, with COMMIT. The account is read once: the hold
	// uses what the recording read (before: 7 statements in 6 round trips,
	// the account read again and the job ensured in a round trip of its
	// own).
	metered := newEnvWith(t, st, func(c *billing.Config) { c.Metering = meteredItems(t) })
	_, err = metered.sys.CreateAccount(ctx, "open-u1", billing.CreateAccountRequest{ID: "u1"})
	require.NoError(t, err)
	_, err = metered.sys.GrantPromotionalCredit(ctx, "fund-u1", billing.GrantRequest{AccountID: "u1", Amount: vnd(t, 100_000_000),
		ValidFor: 3650 * 24 * time.Hour, Actor: "ops"})
	require.NoError(t, err)
	bought, err := metered.sys.Checkout(ctx, "buy-u1", billing.CheckoutRequest{AccountID: "u1", Items: items, Method: payment.MethodCredit})
	require.NoError(t, err)
	var batch []metering.Event
	for i := range 10 {
		batch = append(batch, metering.Event{ID: fmt.Sprintf("u1-%d", i), AccountID: "u1", ResourceID: bought.Resources[0].ID,
			Metric: snapshotMetric, Quantity: decimal.RequireFromString("0.25"), At: metered.clk.Now().Add(-time.Duration(i) * time.Minute)})
	}
	measure("RecordUsage, 10 events", 6, 5, func() error {
		r, err := metered.sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: batch})
		if err == nil && r.Recorded != len(batch) {
			err = fmt.Errorf("recorded %d of %d", r.Recorded, len(batch))
		}
		return err
	})

	// Month close: a Tick closing 3 postpaid resources of 3 accounts, one
	// page: BEGIN with the claim, the 3 accounts locked, the 3 numbers,
	// then the page's writes held back and sent with COMMIT in one round
	// trip (one statement each for the 3 invoices, their 3 events, the 3
	// collection jobs, the 3 overdue jobs and the 3 resource updates) —
	// 10 statements in 4 round trips — and the other sweeps' 5 read-only
	// transactions (BEGIN with their read, then COMMIT: 10). Neither the
	// page's round trips nor its statements grow with its size.
	var due time.Time
	for _, id := range []string{"pp1", "pp2", "pp3"} {
		_, err := e.sys.CreateAccount(ctx, "open-"+id, billing.CreateAccountRequest{ID: id})
		require.NoError(t, err)
		_, err = e.sys.SetAccountType(ctx, "postpaid-"+id, billing.SetAccountTypeRequest{AccountID: id, Type: billing.Postpaid, Actor: "ops"})
		require.NoError(t, err)
		res, err := e.sys.Checkout(ctx, "buy-"+id, billing.CheckoutRequest{AccountID: id, Items: items})
		require.NoError(t, err)
		rid := res.Resources[0].ID
		_, err = e.sys.ProvisioningSucceeded(ctx, "prov-"+rid, billing.ProvisioningRequest{AccountID: id, ResourceID: rid})
		require.NoError(t, err)
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().Get(ctx, id, rid)
			due = r.NextDueAt
			return err
		}))
	}
	// A Tick just before the close does the other sweeps' work (the
	// pending gateway payment above expires), so that the one measured
	// closes the month and finds nothing else.
	e.clk.Set(due.Add(-time.Minute))
	_, err = e.sys.Tick(ctx, 100)
	require.NoError(t, err)
	e.clk.Set(due.Add(time.Minute))
	measure("Tick closing 3 postpaid resources", 25, 14, func() error {
		rep, err := e.sys.Tick(ctx, 100)
		if err == nil && rep.BillsIssued != 3 {
			err = fmt.Errorf("month close issued %d bills, want 3", rep.BillsIssued)
		}
		return err
	})
}
