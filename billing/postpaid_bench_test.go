package billing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// closeFleet is a set of postpaid accounts, each with one resource bought
// and provisioned through the API: the templates every benchmark
// iteration's resources are copied from.
type closeFleet struct {
	e         env
	templates []storage.Resource
}

// newCloseFleet opens accounts postpaid accounts, buys and provisions one
// vServer on each through the API, then moves the clock one minute past
// their month's close and closes that month (the templates' own bills),
// outside any timer. Every later copy of a template, started in the same
// month, is then due at once.
func newCloseFleet(b *testing.B, st storage.Store, accounts int) *closeFleet {
	b.Helper()
	ctx := context.Background()
	e := newEnvTB(b, st)
	f := &closeFleet{e: e}
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"},
		Quantity: 1, Term: period.Months(1)}}
	for a := range accounts {
		id := fmt.Sprintf("pp%03d", a)
		if _, err := e.sys.CreateAccount(ctx, "open-"+id, billing.CreateAccountRequest{ID: id}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.sys.SetAccountType(ctx, "postpaid-"+id, billing.SetAccountTypeRequest{AccountID: id,
			Type: billing.Postpaid, Actor: "ops"}); err != nil {
			b.Fatal(err)
		}
		res, err := e.sys.Checkout(ctx, "buy-"+id, billing.CheckoutRequest{AccountID: id, Items: items})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Resources) != 1 {
			b.Fatalf("checkout made %d resources, want 1", len(res.Resources))
		}
		rid := res.Resources[0].ID
		if _, err := e.sys.ProvisioningSucceeded(ctx, "prov-"+rid, billing.ProvisioningRequest{AccountID: id, ResourceID: rid}); err != nil {
			b.Fatal(err)
		}
		err = st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			r, err := tx.Resources().Get(ctx, id, rid)
			f.templates = append(f.templates, r)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	tpl := f.templates[0]
	if !tpl.Postpaid || tpl.NextDueAt.IsZero() || len(tpl.Intervals) != 1 {
		b.Fatalf("template resource is not an active postpaid resource: %+v", tpl)
	}
	e.clk.Set(tpl.NextDueAt.Add(time.Minute))
	if bills, _ := f.close(b); bills != accounts {
		b.Fatalf("closing the templates' month issued %d bills, want %d", bills, accounts)
	}
	return f
}

// seed writes n fresh copies of the templates straight into the store,
// spread over the accounts: each exactly as activatePostpaid leaves a
// resource (active, postpaid, one open interval from its start, due at its
// month's close), with nothing billed yet.
func (f *closeFleet) seed(b *testing.B, round, n int) {
	b.Helper()
	const batch = 1000
	for start := 0; start < n; start += batch {
		err := f.e.st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				tpl := f.templates[i%len(f.templates)]
				r := tpl
				r.ID = fmt.Sprintf("mc%04d-%05d", round, i)
				r.ResourceDetail = tpl.ResourceDetail.Clone()
				if err := tx.Resources().Create(ctx, r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// close runs Tick with limit 1000 until it reports nothing more to do and
// returns the bills issued and the time spent in Tick.
func (f *closeFleet) close(b *testing.B) (bills int, busy time.Duration) {
	b.Helper()
	ctx := context.Background()
	for calls := 0; ; calls++ {
		if calls > 1000 {
			b.Fatal("Tick still reports more work after 1,000 calls")
		}
		t0 := time.Now()
		rep, err := f.e.sys.Tick(ctx, 1000)
		busy += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Failures) > 0 {
			b.Fatalf("tick failures: %+v", rep.Failures)
		}
		bills += rep.BillsIssued
		if !rep.More {
			return bills, busy
		}
	}
}

// benchmarkMonthClose measures month close: each iteration writes perIter
// fresh postpaid resources due now (timer stopped), then times Tick(1000)
// until all are closed, and checks one bill was issued per resource.
// statements, when not nil, counts the statements sent to the store and
// the round trips they took.
func benchmarkMonthClose(b *testing.B, st storage.Store, accounts, perIter int, statements *statementCounter) {
	f := newCloseFleet(b, st, accounts)
	b.ReportAllocs()
	var busy time.Duration
	var bills, sent, trips int64
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		f.seed(b, round, perIter)
		var before, tripsBefore int64
		if statements != nil {
			before, tripsBefore = statements.n.Load(), statements.trips.Load()
		}
		b.StartTimer()
		n, d := f.close(b)
		b.StopTimer()
		if n != perIter {
			b.Fatalf("month close issued %d bills for %d resources", n, perIter)
		}
		if statements != nil {
			sent += statements.n.Load() - before
			trips += statements.trips.Load() - tripsBefore
		}
		busy += d
		bills += int64(n)
		b.StartTimer()
	}
	b.ReportMetric(float64(bills)/busy.Seconds(), "invoices/s")
	b.ReportMetric(float64(busy.Nanoseconds())/float64(bills), "ns/invoice")
	if statements != nil {
		b.ReportMetric(float64(sent)/float64(bills), "stmts/invoice")
		b.ReportMetric(float64(trips)/float64(bills), "trips/invoice")
	}
}

// BenchmarkMonthCloseMemory: 10,000 postpaid resources over 100 accounts
// closed per iteration, on the memory store.
func BenchmarkMonthCloseMemory(b *testing.B) {
	benchmarkMonthClose(b, memory.New(), 100, 10_000, nil)
}

// BenchmarkMonthClosePostgres: 1,000 postpaid resources over 100 accounts
// closed per iteration, on PostgreSQL, counting the statements sent and
// their round trips (CLOUDBILL_TRACE_SQL=1 prints each).
func BenchmarkMonthClosePostgres(b *testing.B) {
	dsn := pgtest.DSN(b)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	counter := &statementCounter{}
	cfg.ConnConfig.Tracer = counter
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	opts := postgres.Options{Schema: pgtest.NewSchema(b, pool)}
	if err := pgtest.FromEnv(&opts); err != nil {
		b.Fatal(err)
	}
	st, err := postgres.New(pool, opts)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	benchmarkMonthClose(b, st, 100, 1000, counter)
}
