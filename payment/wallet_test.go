package payment_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// seedWallet is cash 100,000 VND + grant A 50,000 expiring in 10 days +
// grant B 30,000 expiring in 5 days.
func seedWallet(t testing.TB) payment.Wallet {
	t.Helper()
	w, err := payment.NewWallet(vnd(t, 100_000),
		payment.PromoBalance{GrantID: "A", Balance: vnd(t, 50_000), ExpiresAt: days(10)},
		payment.PromoBalance{GrantID: "B", Balance: vnd(t, 30_000), ExpiresAt: days(5)},
	)
	require.NoError(t, err)
	return w
}

func TestWalletAvailableLeavesOutExpiredGrants(t *testing.T) {
	w := seedWallet(t)
	tests := []struct {
		name string
		at   time.Time
		want int64
	}{
		{"today all 180,000 is available", day0, 180_000},
		{"a second before B expires 180,000", days(5).Add(-time.Second), 180_000},
		{"at B's expiry instant 150,000", days(5), 150_000},
		{"on day 7 150,000", days(7), 150_000},
		{"at A's expiry instant only cash 100,000", days(10), 100_000},
		{"a year later only cash 100,000", days(365), 100_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.Available(tt.at)
			assert.True(t, got.Equal(vnd(t, tt.want)), "got %s", got)
		})
	}
	assert.True(t, w.Balance().Equal(vnd(t, 180_000)), "balance counts expired grants too")
}

func TestWalletPlanSpend(t *testing.T) {
	tests := []struct {
		name   string
		amount int64
		at     time.Time
		policy payment.SpendPolicy
		want   []string
	}{
		{"60,000 takes 30,000 from the 5-day grant then 30,000 from the 10-day grant, cash untouched",
			60_000, day0, "", []string{"customer:promo:B 30000 VND", "customer:promo:A 30000 VND"}},
		{"the promo-first policy is the default",
			60_000, day0, payment.SpendPromoFirst, []string{"customer:promo:B 30000 VND", "customer:promo:A 30000 VND"}},
		{"20,000 comes from the 5-day grant alone",
			20_000, day0, "", []string{"customer:promo:B 20000 VND"}},
		{"30,000 empties the 5-day grant exactly",
			30_000, day0, "", []string{"customer:promo:B 30000 VND"}},
		{"180,000 takes every bucket whole",
			180_000, day0, "", []string{"customer:promo:B 30000 VND", "customer:promo:A 50000 VND", "customer:cash 100000 VND"}},
		{"on day 6 the expired 5-day grant is skipped: 60,000 is 50,000 from A and 10,000 cash",
			60_000, days(6), "", []string{"customer:promo:A 50000 VND", "customer:cash 10000 VND"}},
		{"cash first: 60,000 comes from cash alone",
			60_000, day0, payment.SpendCashFirst, []string{"customer:cash 60000 VND"}},
		{"cash first: 120,000 is 100,000 cash then 20,000 from the 5-day grant",
			120_000, day0, payment.SpendCashFirst, []string{"customer:cash 100000 VND", "customer:promo:B 20000 VND"}},
	}
	w := seedWallet(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := w.PlanSpend(vnd(t, tt.amount), tt.at, tt.policy)
			require.NoError(t, err)
			assert.True(t, plan.Amount.Equal(vnd(t, tt.amount)))
			assert.Equal(t, tt.want, debitStrings(plan.Debits))
			e, err := payment.SpendEntry(meta("e"), plan)
			require.NoError(t, err, "every plan becomes a valid entry")
			require.NoError(t, e.Validate())
		})
	}
	assert.True(t, seedWallet(t).Cash().Equal(w.Cash()), "planning changes nothing")
}

func TestWalletPlanSpendTiesByGrantID(t *testing.T) {
	w, err := payment.NewWallet(vnd(t, 0),
		payment.PromoBalance{GrantID: "Z", Balance: vnd(t, 10), ExpiresAt: days(3)},
		payment.PromoBalance{GrantID: "M", Balance: vnd(t, 10), ExpiresAt: days(3)},
		payment.PromoBalance{GrantID: "A", Balance: vnd(t, 10), ExpiresAt: days(9)},
	)
	require.NoError(t, err)
	plan, err := w.PlanSpend(vnd(t, 15), day0, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"customer:promo:M 10 VND", "customer:promo:Z 5 VND"}, debitStrings(plan.Debits))
	assert.Equal(t, []string{"M", "Z", "A"}, grantIDs(w.Promos()))
}

func grantIDs(ps []payment.PromoBalance) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.GrantID
	}
	return out
}

func TestWalletPlanSpendInsufficientCredit(t *testing.T) {
	w := seedWallet(t)
	tests := []struct {
		name      string
		amount    int64
		at        time.Time
		available int64
	}{
		{"180,001 today is 1 more than the 180,000 available", 180_001, day0, 180_000},
		{"150,001 on day 5 is short because grant B expired", 150_001, days(5), 150_000},
		{"100,001 on day 10 is short: only cash is left", 100_001, days(10), 100_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := w.PlanSpend(vnd(t, tt.amount), tt.at, "")
			require.ErrorIs(t, err, payment.ErrInsufficientCredit)
			var ie *payment.InsufficientCreditError
			require.ErrorAs(t, err, &ie)
			assert.True(t, ie.Requested.Equal(vnd(t, tt.amount)))
			assert.True(t, ie.Available.Equal(vnd(t, tt.available)), "available %s", ie.Available)
			assert.Empty(t, plan.Debits)
		})
	}
}

func TestWalletPlanSpendRejectsBadInput(t *testing.T) {
	w := seedWallet(t)
	tests := []struct {
		name   string
		amount money.Amount
		policy payment.SpendPolicy
		want   error
	}{
		{"zero", vnd(t, 0), "", payment.ErrInvalidAmount},
		{"negative", vnd(t, -1), "", payment.ErrInvalidAmount},
		{"not rounded", amt(t, "1.5 VND"), "", money.ErrNotRounded},
		{"above 10^15 minor units", vnd(t, payment.MaxAmountMinorUnits+1), "", payment.ErrInvalidAmount},
		{"another currency", amt(t, "1.00 USD"), "", money.ErrCurrencyMismatch},
		{"the zero Amount", money.Amount{}, "", payment.ErrInvalidAmount},
		{"an unknown policy", vnd(t, 1), "newest_first", payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.PlanSpend(tt.amount, day0, tt.policy)
			require.ErrorIs(t, err, tt.want)
		})
	}
	_, err := payment.Wallet{}.PlanSpend(vnd(t, 1), day0, "")
	require.ErrorIs(t, err, payment.ErrInvalidAmount, "the zero Wallet has no currency")
}

func TestNewWalletRejectsBadBalances(t *testing.T) {
	ok := payment.PromoBalance{GrantID: "A", Balance: vnd(t, 10), ExpiresAt: days(1)}
	tests := []struct {
		name   string
		cash   money.Amount
		promos []payment.PromoBalance
		want   error
	}{
		{"cash without a currency", money.Amount{}, nil, payment.ErrInvalidAmount},
		{"negative cash", vnd(t, -1), nil, payment.ErrInvalidAmount},
		{"cash of half a dong", amt(t, "0.5 VND"), nil, money.ErrNotRounded},
		{"a grant without an ID", vnd(t, 0), []payment.PromoBalance{{Balance: vnd(t, 1), ExpiresAt: days(1)}}, payment.ErrInvalidArgument},
		{"a grant listed twice", vnd(t, 0), []payment.PromoBalance{ok, ok}, payment.ErrInvalidArgument},
		{"a negative grant balance", vnd(t, 0), []payment.PromoBalance{{GrantID: "A", Balance: vnd(t, -1), ExpiresAt: days(1)}}, payment.ErrInvalidAmount},
		{"a USD grant in a VND wallet", vnd(t, 0), []payment.PromoBalance{{GrantID: "A", Balance: amt(t, "1.00 USD"), ExpiresAt: days(1)}}, money.ErrCurrencyMismatch},
		{"a grant without an expiry", vnd(t, 0), []payment.PromoBalance{{GrantID: "A", Balance: vnd(t, 1)}}, payment.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.NewWallet(tt.cash, tt.promos...)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestNewWalletCopiesItsInput(t *testing.T) {
	promos := []payment.PromoBalance{{GrantID: "A", Balance: vnd(t, 10), ExpiresAt: days(1)}}
	w, err := payment.NewWallet(vnd(t, 0), promos...)
	require.NoError(t, err)
	promos[0].Balance = vnd(t, 999)
	got := w.Promos()
	got[0].GrantID = "changed"
	assert.Empty(t, cmp.Diff([]payment.PromoBalance{{GrantID: "A", Balance: vnd(t, 10), ExpiresAt: days(1)}}, w.Promos()))
}

func TestWalletPlanExpiry(t *testing.T) {
	w, err := payment.NewWallet(vnd(t, 100_000),
		payment.PromoBalance{GrantID: "A", Balance: vnd(t, 50_000), ExpiresAt: days(10)},
		payment.PromoBalance{GrantID: "B", Balance: vnd(t, 30_000), ExpiresAt: days(5)},
		payment.PromoBalance{GrantID: "C", Balance: vnd(t, 0), ExpiresAt: days(2)},
	)
	require.NoError(t, err)

	t.Run("before any expiry there is nothing to expire", func(t *testing.T) {
		es, err := w.PlanExpiry(days(1))
		require.NoError(t, err)
		assert.Empty(t, es)
	})
	t.Run("on day 5 grant B's 30,000 expires and the empty grant C is skipped", func(t *testing.T) {
		es, err := w.PlanExpiry(days(5))
		require.NoError(t, err)
		require.Len(t, es, 1)
		e := es[0]
		assert.Equal(t, "promo_expire:B:"+days(5).UTC().Format("20060102T150405.000000000Z"), e.ID)
		assert.Equal(t, payment.EntryPromoExpire, e.Kind)
		assert.Equal(t, payment.Reference{Type: payment.RefGrant, ID: "B"}, e.Reference)
		assert.Equal(t, days(5), e.At)
		assert.Equal(t, []string{"customer:promo:B -30000 VND", "income:promo_expired 30000 VND"}, postingStrings(e.Postings))
	})
	t.Run("on day 30 both grants expire, soonest first", func(t *testing.T) {
		es, err := w.PlanExpiry(days(30))
		require.NoError(t, err)
		require.Len(t, es, 2)
		assert.Equal(t, "promo_expire:B:"+days(30).UTC().Format("20060102T150405.000000000Z"), es[0].ID)
		assert.Equal(t, "promo_expire:A:"+days(30).UTC().Format("20060102T150405.000000000Z"), es[1].ID)
		assert.Equal(t, []string{"customer:promo:A -50000 VND", "income:promo_expired 50000 VND"}, postingStrings(es[1].Postings))
	})
	t.Run("credit that comes back to an expired grant expires again, with an entry of its own", func(t *testing.T) {
		// 2,000 of grant B was held before day 5 and is released on day
		// 6, after B's expiry: the next expiry moves it too.
		ww, err := payment.NewWallet(vnd(t, 0), payment.PromoBalance{GrantID: "B", Balance: vnd(t, 2_000), ExpiresAt: days(5)})
		require.NoError(t, err)
		first, err := w.PlanExpiry(days(5))
		require.NoError(t, err)
		again, err := ww.PlanExpiry(days(6))
		require.NoError(t, err)
		require.Len(t, again, 1)
		assert.NotEqual(t, first[0].ID, again[0].ID)
		assert.Equal(t, []string{"customer:promo:B -2000 VND", "income:promo_expired 2000 VND"}, postingStrings(again[0].Postings))
	})
	t.Run("an expiry at the zero time is refused as an entry without a date", func(t *testing.T) {
		ww, err := payment.NewWallet(vnd(t, 0), payment.PromoBalance{GrantID: "A", Balance: vnd(t, 1), ExpiresAt: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		_, err = ww.PlanExpiry(time.Time{})
		require.ErrorIs(t, err, payment.ErrInvalidEntry)
	})
	t.Run("the zero Wallet has nothing to expire", func(t *testing.T) {
		es, err := payment.Wallet{}.PlanExpiry(days(1))
		require.NoError(t, err)
		assert.Empty(t, es)
	})
}

func ExampleWallet_PlanSpend() {
	now := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	cash, _ := money.New("100000", "VND")
	promoA, _ := money.New("50000", "VND")
	promoB, _ := money.New("30000", "VND")
	w, err := payment.NewWallet(cash,
		payment.PromoBalance{GrantID: "A", Balance: promoA, ExpiresAt: now.AddDate(0, 0, 10)},
		payment.PromoBalance{GrantID: "B", Balance: promoB, ExpiresAt: now.AddDate(0, 0, 5)},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	price, _ := money.New("60000", "VND")
	plan, err := w.PlanSpend(price, now, payment.SpendPromoFirst)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range plan.Debits {
		fmt.Println(d.Account, d.Amount)
	}

	tooMuch, _ := money.New("200000", "VND")
	_, err = w.PlanSpend(tooMuch, now, payment.SpendPromoFirst)
	fmt.Println(err)
	// Output:
	// customer:promo:B 30000 VND
	// customer:promo:A 30000 VND
	// payment: insufficient credit: 200000 VND requested, 180000 VND available
}

func BenchmarkPlanSpend(b *testing.B) {
	promos := make([]payment.PromoBalance, 10)
	for i := range promos {
		promos[i] = payment.PromoBalance{GrantID: fmt.Sprintf("G-%02d", i), Balance: vnd(b, 10_000), ExpiresAt: days(10 - i)}
	}
	w, err := payment.NewWallet(vnd(b, 1_000_000), promos...)
	require.NoError(b, err)
	amount := vnd(b, 150_000) // all ten grants and part of cash
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		plan, err := w.PlanSpend(amount, day0, payment.SpendPromoFirst)
		if err != nil || len(plan.Debits) != 11 {
			b.Fatalf("plan %v, %v", plan, err)
		}
	}
}
