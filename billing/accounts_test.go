package billing_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
)

var start = time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)

// newSystem returns a System over a fresh store on a manual clock.
func newSystem(t *testing.T, st storage.Store) (*billing.System, *clock.Manual) {
	t.Helper()
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	clk := clock.NewManual(start)
	sys, err := billing.New(billing.Config{Store: st, Catalog: cat, Clock: clk})
	require.NoError(t, err)
	return sys, clk
}

func TestNewValidatesConfig(t *testing.T) {
	cat, err := pricing.SampleCatalog()
	require.NoError(t, err)
	st := memory.New()
	for _, tc := range []struct {
		name  string
		cfg   billing.Config
		field string
	}{
		{"store is required", billing.Config{Catalog: cat}, "Store"},
		{"catalog is required", billing.Config{Store: st}, "Catalog"},
		{"unknown default currency", billing.Config{Store: st, Catalog: cat, DefaultCurrency: "XYZ"}, "DefaultCurrency"},
		{"catalog currency must match the default", billing.Config{Store: st, Catalog: cat, DefaultCurrency: "USD"}, "Catalog"},
		{"unknown time zone", billing.Config{Store: st, Catalog: cat, DefaultTimeZone: "Mars/Olympus"}, "DefaultTimeZone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := billing.New(tc.cfg)
			require.ErrorIs(t, err, billing.ErrInvalidConfig)
			var ce *billing.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.field, ce.Field)
		})
	}
	_, err = billing.New(billing.Config{Store: st, Catalog: cat})
	assert.NoError(t, err, "zero fields take defaults")
}

// TestTheDefaultCurrencyIsTheCatalogs: a System on a USD catalog needs no
// DefaultCurrency; its accounts are USD and buy in USD.
func TestTheDefaultCurrencyIsTheCatalogs(t *testing.T) {
	sample, err := pricing.SampleCatalog()
	require.NoError(t, err)
	usd, err := pricing.NewCatalog(pricing.Config{Currency: "USD", Tax: pricing.TaxPolicy{Mode: pricing.TaxExclusive}, Products: sample.Products()})
	require.NoError(t, err)
	sys, err := billing.New(billing.Config{Store: memory.New(), Catalog: usd})
	require.NoError(t, err)
	ctx := context.Background()
	a, err := sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "us-1"})
	require.NoError(t, err)
	assert.Equal(t, "USD", a.Currency)
	q, err := sys.Quote(ctx, "us-1", pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: pricing.SampleVServer,
		Configuration: pricing.Configuration{Plan: "basic-1"}, Quantity: 1, Term: period.Months(1)}}})
	require.NoError(t, err)
	assert.Equal(t, "90000.00 USD", q.Total.String())
}

func TestCreateAccount(t *testing.T) {
	ctx := context.Background()
	sys, _ := newSystem(t, memory.New())

	t.Run("a new account is prepaid in VND in Asia/Ho_Chi_Minh by default", func(t *testing.T) {
		a, err := sys.CreateAccount(ctx, "k1", billing.CreateAccountRequest{ID: "cust-1"})
		require.NoError(t, err)
		assert.Equal(t, billing.Prepaid, a.Type)
		assert.Equal(t, "VND", a.Currency)
		assert.Equal(t, "Asia/Ho_Chi_Minh", a.TimeZone)
		assert.True(t, a.CreatedAt.Equal(start))
		got, err := sys.Account(ctx, "cust-1")
		require.NoError(t, err)
		assert.Equal(t, a.ID, got.ID)
	})

	t.Run("the same key and request returns the first result", func(t *testing.T) {
		a, err := sys.CreateAccount(ctx, "k1", billing.CreateAccountRequest{ID: "cust-1"})
		require.NoError(t, err)
		assert.Equal(t, int64(1), a.Version)
	})

	t.Run("the same key with a different request is a conflict", func(t *testing.T) {
		_, err := sys.CreateAccount(ctx, "k1", billing.CreateAccountRequest{ID: "cust-1", TimeZone: "Europe/Berlin"})
		require.ErrorIs(t, err, billing.ErrIdempotencyConflict)
		var ce *billing.IdempotencyConflictError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "k1", ce.Key)
		a, err := sys.Account(ctx, "cust-1")
		require.NoError(t, err)
		assert.Equal(t, "Asia/Ho_Chi_Minh", a.TimeZone, "nothing changed")
	})

	t.Run("an existing id under a new key is rejected", func(t *testing.T) {
		_, err := sys.CreateAccount(ctx, "k2", billing.CreateAccountRequest{ID: "cust-1"})
		require.ErrorIs(t, err, billing.ErrAccountExists)
		// The rejected call claimed nothing: k2 is still free for cust-1.
		_, err = sys.CreateAccount(ctx, "k2", billing.CreateAccountRequest{ID: "cust-1"})
		require.ErrorIs(t, err, billing.ErrAccountExists)
	})

	t.Run("bad input is rejected with typed errors and creates nothing", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			key  string
			req  billing.CreateAccountRequest
			want error
		}{
			{"empty id", "k", billing.CreateAccountRequest{}, billing.ErrInvalidRequest},
			{"id of 129 bytes", "k", billing.CreateAccountRequest{ID: strings.Repeat("x", 129)}, billing.ErrInvalidRequest},
			{"id with a newline", "k", billing.CreateAccountRequest{ID: "a\nb"}, billing.ErrInvalidRequest},
			{"unknown currency", "k", billing.CreateAccountRequest{ID: "c2", Currency: "ABC"}, billing.ErrInvalidRequest},
			{"currency the catalog does not price in", "k", billing.CreateAccountRequest{ID: "c2", Currency: "USD"}, billing.ErrCurrencyMismatch},
			{"unknown time zone", "k", billing.CreateAccountRequest{ID: "c2", TimeZone: "Nowhere/City"}, billing.ErrInvalidRequest},
			{"empty idempotency key", "", billing.CreateAccountRequest{ID: "c2"}, billing.ErrInvalidIdempotencyKey},
			{"idempotency key of 256 bytes", strings.Repeat("k", 256), billing.CreateAccountRequest{ID: "c2"}, billing.ErrInvalidIdempotencyKey},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := sys.CreateAccount(ctx, tc.key, tc.req)
				require.ErrorIs(t, err, tc.want)
				_, err = sys.Account(ctx, "c2")
				require.ErrorIs(t, err, billing.ErrAccountNotFound)
			})
		}
	})
}

func TestAccountTypeSwitchIsAudited(t *testing.T) {
	ctx := context.Background()
	sys, clk := newSystem(t, memory.New())
	_, err := sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "cust-1"})
	require.NoError(t, err)

	clk.Advance(time.Hour)
	a, err := sys.SetAccountType(ctx, "switch-1", billing.SetAccountTypeRequest{AccountID: "cust-1", Type: billing.Postpaid, Actor: "ops@provider", Reason: "enterprise contract"})
	require.NoError(t, err)
	assert.Equal(t, billing.Postpaid, a.Type)
	assert.Equal(t, int64(2), a.Version)

	// Replays and no-op switches add no audit record.
	_, err = sys.SetAccountType(ctx, "switch-1", billing.SetAccountTypeRequest{AccountID: "cust-1", Type: billing.Postpaid, Actor: "ops@provider", Reason: "enterprise contract"})
	require.NoError(t, err)
	_, err = sys.SetAccountType(ctx, "switch-2", billing.SetAccountTypeRequest{AccountID: "cust-1", Type: billing.Postpaid, Actor: "ops@provider"})
	require.NoError(t, err)

	recs, err := items(sys.AuditTrail(ctx, billing.ListRequest{AccountID: "cust-1", Limit: 10}))
	require.NoError(t, err)
	require.Len(t, recs, 1)
	assert.Equal(t, "account.type_changed", recs[0].Action)
	assert.Equal(t, "ops@provider", recs[0].Actor)
	assert.JSONEq(t, `{"from":"prepaid","to":"postpaid","reason":"enterprise contract"}`, string(recs[0].Detail))
	assert.True(t, recs[0].At.Equal(start.Add(time.Hour)))

	t.Run("bad switches change nothing", func(t *testing.T) {
		_, err := sys.SetAccountType(ctx, "s3", billing.SetAccountTypeRequest{AccountID: "cust-1", Type: "credit", Actor: "ops"})
		assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		_, err = sys.SetAccountType(ctx, "s3", billing.SetAccountTypeRequest{AccountID: "cust-1", Type: billing.Prepaid})
		assert.ErrorIs(t, err, billing.ErrInvalidRequest, "actor is required")
		_, err = sys.SetAccountType(ctx, "s3", billing.SetAccountTypeRequest{AccountID: "someone-else", Type: billing.Prepaid, Actor: "ops"})
		assert.ErrorIs(t, err, billing.ErrAccountNotFound)
		all, err := items(sys.AuditTrail(ctx, billing.ListRequest{AccountID: "cust-1"}))
		require.NoError(t, err, "a zero limit is the default page")
		assert.Len(t, all, 1)
		_, err = items(sys.AuditTrail(ctx, billing.ListRequest{AccountID: "cust-1", Limit: 1001}))
		assert.ErrorIs(t, err, billing.ErrInvalidRequest)
		_, err = items(sys.AuditTrail(ctx, billing.ListRequest{AccountID: "someone-else", Limit: 10}))
		assert.ErrorIs(t, err, billing.ErrAccountNotFound)
		a, err := sys.Account(ctx, "cust-1")
		require.NoError(t, err)
		assert.Equal(t, billing.Postpaid, a.Type)
		assert.Equal(t, int64(2), a.Version)
	})
}

// testIdempotencyRace: 50 goroutines submit one request with one key; the
// effect happens once and every caller gets the same result.
func testIdempotencyRace(t *testing.T, st storage.Store) {
	ctx := context.Background()
	sys, _ := newSystem(t, st)
	_, err := sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "racer"})
	require.NoError(t, err)
	const n = 50
	var wg sync.WaitGroup
	results := make([]billing.Account, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = sys.SetAccountType(ctx, "one-key", billing.SetAccountTypeRequest{AccountID: "racer", Type: billing.Postpaid, Actor: "ops"})
		})
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		assert.Equal(t, int64(2), results[i].Version, "caller %d sees the first result", i)
	}
	recs, err := items(sys.AuditTrail(ctx, billing.ListRequest{AccountID: "racer", Limit: 100}))
	require.NoError(t, err)
	assert.Len(t, recs, 1, "exactly one effect")
}

func TestIdempotencyRace(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) { testIdempotencyRace(t, newStore(t)) })
}

func TestRequestsForDifferentAccountsNeverShareKeys(t *testing.T) {
	ctx := context.Background()
	sys, _ := newSystem(t, memory.New())
	for i := range 3 {
		_, err := sys.CreateAccount(ctx, "same-key", billing.CreateAccountRequest{ID: fmt.Sprintf("tenant-%d", i)})
		require.NoError(t, err, "keys are scoped per account")
	}
	_, err := sys.Account(ctx, "tenant-9")
	assert.True(t, errors.Is(err, billing.ErrAccountNotFound))
}
