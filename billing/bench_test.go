package billing_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// benchWallets opens n funded accounts for debit benchmarks.
func benchWallets(b *testing.B, st storage.Store, n int) env {
	b.Helper()
	e := newEnvTB(b, st)
	ctx := context.Background()
	for i := range n {
		id := fmt.Sprintf("bench-%d", i)
		if _, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: id}); err != nil {
			b.Fatal(err)
		}
		if _, err := e.sys.GrantPromotionalCredit(ctx, "fund", billing.GrantRequest{AccountID: id, Amount: vnd(b, 1_000_000_000_000), ValidFor: 3650 * 24 * time.Hour, Actor: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	return e
}

// runClients shares b.N operations between clients goroutines, client c
// acting on account "bench-c", and reports the rate as metric/s.
func runClients(b *testing.B, clients int, metric string, op func(accountID string, k int64) error) {
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		id := fmt.Sprintf("bench-%d", c)
		wg.Go(func() {
			for k := next.Add(1); k <= int64(b.N); k = next.Add(1) {
				if err := op(id, k); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), metric+"/s")
}

// benchmarkPayByCredit measures Pay by credit of a pending order (one
// idempotent transaction: claim the key, lock the account, check the order
// and what it is owed, plan the spend, append the entry, store the payment,
// settle the order) from clients goroutines on distinct accounts. A payment
// must name an obligation of its account for exactly what is due, so the
// b.N orders are placed first, by gateway checkouts of one vServer, before
// the timer starts; client c pays the orders of account "bench-c", ops c,
// c+clients, c+2·clients, ….
func benchmarkPayByCredit(b *testing.B, st storage.Store, clients int) {
	e := benchWallets(b, st, clients)
	ctx := context.Background()
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}
	orders := make([][]billing.Order, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			id := fmt.Sprintf("bench-%d", c)
			for k := c; k < b.N; k += clients {
				res, err := e.sys.Checkout(ctx, fmt.Sprintf("pending-%d", k), billing.CheckoutRequest{AccountID: id, Items: items,
					Method: payment.MethodGateway, Gateway: "sim"})
				if err != nil {
					b.Error(err)
					return
				}
				orders[c] = append(orders[c], res.Order)
			}
		})
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			id := fmt.Sprintf("bench-%d", c)
			for i, o := range orders[c] {
				_, err := e.sys.Pay(ctx, fmt.Sprintf("k%d-%d", c, i), billing.PayRequest{AccountID: id, Amount: o.Total,
					Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: o.ID}})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "payments/s")
}

// BenchmarkPayByCreditMemory is one client on the in-memory store, in
// rounds on a fresh store (see runMemoryRounds): the orders of a round are
// placed before its timer starts.
func BenchmarkPayByCreditMemory(b *testing.B) {
	ctx := context.Background()
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}
	runMemoryRounds(b, "payments", func(n int) func(i int) error {
		e := benchWallets(b, memory.New(), 1)
		orders := make([]billing.Order, n)
		for k := range n {
			res, err := e.sys.Checkout(ctx, fmt.Sprintf("pending-%d", k), billing.CheckoutRequest{AccountID: "bench-0", Items: items,
				Method: payment.MethodGateway, Gateway: "sim"})
			if err != nil {
				b.Fatal(err)
			}
			orders[k] = res.Order
		}
		return func(i int) error {
			_, err := e.sys.Pay(ctx, fmt.Sprintf("k%d", i), billing.PayRequest{AccountID: "bench-0", Amount: orders[i].Total,
				Method: payment.MethodCredit, Purpose: payment.Purpose{Kind: payment.PurposeOrder, Ref: orders[i].ID}})
			return err
		}
	})
}

// memoryRound is how many operations a memory benchmark runs on one store.
const memoryRound = 1000

// runMemoryRounds runs b.N operations in rounds of memoryRound, each on
// the fresh store that setup(n) builds before the round's timer starts
// (setup returns the round's operation i, 0 ≤ i < n), with a garbage
// collection in between. The store a round writes to holds at most
// memoryRound operations' records, so the heap stays steady and the
// figures are the operation's own cost, not the collector scanning a store
// that grows with b.N. It reports the rate as metric/s over the timed
// parts.
func runMemoryRounds(b *testing.B, metric string, setup func(n int) func(i int) error) {
	b.ReportAllocs()
	b.ResetTimer()
	b.StopTimer()
	var elapsed time.Duration
	for done := 0; done < b.N; {
		n := min(memoryRound, b.N-done)
		op := setup(n)
		runtime.GC()
		b.StartTimer()
		start := time.Now()
		for i := range n {
			if err := op(i); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(start)
		b.StopTimer()
		done += n
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), metric+"/s")
}

// BenchmarkPayByCreditPostgres8 is 8 concurrent clients on distinct
// accounts on PostgreSQL.
func BenchmarkPayByCreditPostgres8(b *testing.B) {
	benchmarkPayByCredit(b, pgtest.NewStore(b), 8)
}

// benchmarkCheckout measures Checkout by credit of one vServer (one
// transaction: quote, order, resource, payment, ledger entry, provision
// event) from clients goroutines on distinct accounts.
func benchmarkCheckout(b *testing.B, st storage.Store, clients int) {
	e := benchWallets(b, st, clients)
	ctx := context.Background()
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}
	runClients(b, clients, "checkouts", func(id string, k int64) error {
		_, err := e.sys.Checkout(ctx, fmt.Sprintf("o%d", k), billing.CheckoutRequest{AccountID: id, Items: items, Method: payment.MethodCredit})
		return err
	})
}

// BenchmarkCheckoutMemory is one client on the in-memory store, in rounds
// on a fresh store (see runMemoryRounds).
func BenchmarkCheckoutMemory(b *testing.B) {
	ctx := context.Background()
	items := []billing.OrderItem{{ProductID: pricing.SampleVServer, Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}
	runMemoryRounds(b, "checkouts", func(int) func(i int) error {
		e := benchWallets(b, memory.New(), 1)
		return func(i int) error {
			_, err := e.sys.Checkout(ctx, fmt.Sprintf("o%d", i), billing.CheckoutRequest{AccountID: "bench-0", Items: items, Method: payment.MethodCredit})
			return err
		}
	})
}

// BenchmarkCheckoutPostgres8 is 8 concurrent clients on distinct accounts
// on PostgreSQL.
func BenchmarkCheckoutPostgres8(b *testing.B) { benchmarkCheckout(b, pgtest.NewStore(b), 8) }
