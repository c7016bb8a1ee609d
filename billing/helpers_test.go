package billing_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// forEachStore runs body against the memory store and, when
// CLOUDBILL_POSTGRES_DSN is set, against a fresh PostgreSQL schema: every
// billing rule holds on both.
// body gets a constructor of fresh, empty stores of the kind under test.
func forEachStore(t *testing.T, body func(t *testing.T, newStore func(*testing.T) storage.Store)) {
	t.Run("memory", func(t *testing.T) {
		body(t, func(*testing.T) storage.Store { return memory.New() })
	})
	t.Run("postgres", func(t *testing.T) {
		pgtest.DSN(t)
		body(t, func(t *testing.T) storage.Store { return pgtest.NewStore(t) })
	})
}

// newMemory returns a fresh in-memory store.
func newMemory() storage.Store { return memory.New() }

// env is a System wired to a simulated gateway on a manual clock.
type env struct {
	sys *billing.System
	clk *clock.Manual
	sim *gatewaysim.Gateway
	st  storage.Store
}

func newEnv(t *testing.T, st storage.Store) env { return newEnvTB(t, st) }

func newEnvTB(t testing.TB, st storage.Store) env { return newEnvWith(t, st, nil) }

// newEnvWith lets a test adjust the config (a catalog, a policy) first.
func newEnvWith(t testing.TB, st storage.Store, adjust func(*billing.Config)) env {
	t.Helper()
	return newEnvTagged(t, st, "", adjust)
}

// newEnvTagged is newEnvWith with the simulator's ids prefixed by tag, for
// several environments sharing one store.
func newEnvTagged(t testing.TB, st storage.Store, tag string, adjust func(*billing.Config)) env {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	clk := clock.NewManual(start)
	sim, err := gatewaysim.New(gatewaysim.Config{Name: "sim", Secret: []byte("whsec_test"), Now: clk.Now, IDPrefix: tag})
	require.NoError(t, err)
	cfg := billing.Config{Store: st, Catalog: cat, Clock: clk, Gateways: []gateway.Gateway{sim}}
	if adjust != nil {
		adjust(&cfg)
	}
	sys, err := billing.New(cfg)
	require.NoError(t, err)
	return env{sys: sys, clk: clk, sim: sim, st: st}
}

// account opens a prepaid VND account.
func (e env) account(t *testing.T, id string) {
	t.Helper()
	_, err := e.sys.CreateAccount(context.Background(), "open-"+id, billing.CreateAccountRequest{ID: id})
	require.NoError(t, err)
}

// available returns the account's spendable credit in minor units.
func (e env) available(t *testing.T, acct string) int64 {
	t.Helper()
	w, err := e.sys.Wallet(context.Background(), acct)
	require.NoError(t, err)
	return minor(t, w.Available)
}

// fund opens a prepaid account and tops it up with n VND of cash.
func (e env) fund(t *testing.T, acct string, n int64) {
	t.Helper()
	e.account(t, acct)
	e.topUp(t, acct, n)
}

// invoiceCount returns how many invoices and credit notes the account has
// (for one resource when resourceID is set).
func (e env) invoiceCount(t *testing.T, acct, resourceID string) int {
	t.Helper()
	invs, err := items(e.sys.Invoices(context.Background(), billing.ListRequest{AccountID: acct, ResourceID: resourceID, Limit: 1000}))
	require.NoError(t, err)
	return len(invs)
}

// deliver hands a simulator callback to the System.
func (e env) deliver(t *testing.T, cb gatewaysim.Callback) (billing.CallbackResult, error) {
	t.Helper()
	return e.sys.HandleCallback(context.Background(), "sim", cb.Header, cb.Body)
}

// topUp credits n VND of cash through a completed gateway top-up.
func (e env) topUp(t *testing.T, acct string, n int64) {
	t.Helper()
	ctx := context.Background()
	p, err := e.sys.TopUp(ctx, "topup-"+acct+"-"+e.clk.Now().Format(time.RFC3339Nano), billing.TopUpRequest{AccountID: acct, Amount: vnd(t, n), Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.Complete(p.ID)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
	e.clk.Advance(time.Second)
}

func vnd(t testing.TB, n int64) money.Amount {
	t.Helper()
	a, err := money.FromMinor(n, "VND")
	require.NoError(t, err)
	return a
}

// minor returns a's value in minor units.
func minor(t testing.TB, a money.Amount) int64 {
	t.Helper()
	n, err := a.MinorUnits()
	require.NoError(t, err)
	return n
}

// checkLedger asserts the double-entry invariants for an account: the
// balance cache agrees with the postings and all balances sum to zero.
func checkLedger(t *testing.T, st storage.Store, acct string) {
	t.Helper()
	require.NoError(t, st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		cached, err := tx.Ledger().Balances(ctx, acct)
		require.NoError(t, err)
		derived, err := tx.Ledger().PostingTotals(ctx, acct)
		require.NoError(t, err)
		require.Equal(t, len(derived), len(cached))
		var sum int64
		for i := range cached {
			require.Equal(t, derived[i].LedgerAccount, cached[i].LedgerAccount)
			require.True(t, derived[i].Amount.Equal(cached[i].Amount), "%s: cache %s, postings %s", cached[i].LedgerAccount, cached[i].Amount, derived[i].Amount)
			sum += minor(t, cached[i].Amount)
			if len(cached[i].LedgerAccount) > 9 && cached[i].LedgerAccount[:9] == "customer:" {
				require.False(t, cached[i].Amount.IsNegative(), "%s is negative", cached[i].LedgerAccount)
			}
		}
		require.Zero(t, sum, "the ledger sums to zero")
		return nil
	}))
}

// owe records an order of the account awaiting payment of exactly amount
// VND, with nothing attached: the obligation the payment tests pay. Real
// checkouts create the same kind of record with resources and a payment.
func (e env) owe(t testing.TB, acct string, amount int64) payment.Purpose {
	t.Helper()
	id := fmt.Sprintf("owed-%s-%d", acct, rand.Int64())
	now := e.clk.Now()
	err := e.st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
		return tx.Orders().Create(ctx, storage.Order{ID: id, AccountID: acct, Status: order.StatusPending,
			Total: vnd(t, amount), Detail: order.Detail{Kind: order.KindCreate}, CreatedAt: now, UpdatedAt: now})
	})
	require.NoError(t, err)
	return payment.Purpose{Kind: payment.PurposeOrder, Ref: id}
}

// creditNoteTotal sums the credit notes issued against a resource.
func creditNoteTotal(t testing.TB, e env, acct, resourceID string) int64 {
	t.Helper()
	list, err := items(e.sys.Invoices(context.Background(), billing.ListRequest{AccountID: acct, ResourceID: resourceID, Limit: 1000}))
	require.NoError(t, err)
	var n int64
	for _, inv := range list {
		if inv.Kind == invoice.KindCreditNote {
			n += minor(t, inv.Total)
		}
	}
	return n
}

// linkAccount links a gateway account shown as display to acct through the
// simulated gateway (start, the customer's confirmation, the callback),
// the first one becoming the default.
func (e env) linkAccount(t *testing.T, acct, display string) {
	t.Helper()
	ctx := context.Background()
	link, err := e.sys.StartLinking(ctx, "link-"+acct+"-"+display, billing.LinkAccountRequest{AccountID: acct, Gateway: "sim"})
	require.NoError(t, err)
	cb, err := e.sim.CompleteLink(link.LinkID, display)
	require.NoError(t, err)
	_, err = e.deliver(t, cb)
	require.NoError(t, err)
}

// items unpacks a list's page for tests that read one page.
func items[T any](p billing.Page[T], err error) ([]T, error) { return p.Items, err }

// cursorAt is the cursor of a list ordered by sequence number that starts
// after seq.
func cursorAt(seq int64) string { return strconv.FormatInt(seq, 10) }
