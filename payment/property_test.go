package payment_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
)

// ledgerModel drives random sequences of grants, top-ups, spends, holds,
// captures, releases, refunds and expiries through the package, keeping
// only what a host would store: the entries and each grant's expiry.
type ledgerModel struct {
	t        *rapid.T
	currency string
	now      time.Time
	entries  []payment.Entry
	expiries map[string]time.Time
	holds    map[string]payment.Entry // open holds by payment ID
	seq      int
}

func (m *ledgerModel) amount(label string, max int64) money.Amount {
	a, err := money.FromMinor(rapid.Int64Range(1, max).Draw(m.t, label), m.currency)
	require.NoError(m.t, err)
	return a
}

func (m *ledgerModel) meta() payment.EntryMeta {
	m.seq++
	return payment.EntryMeta{ID: fmt.Sprintf("e-%d", m.seq), Reference: payment.Reference{Type: payment.RefPayment, ID: fmt.Sprintf("p-%d", m.seq)}, At: m.now}
}

func (m *ledgerModel) add(e payment.Entry, err error) {
	require.NoError(m.t, err)
	require.NoError(m.t, e.Validate())
	m.entries = append(m.entries, e)
}

func (m *ledgerModel) balances() map[payment.LedgerAccount]money.Amount {
	b, err := payment.Balances(m.currency, m.entries...)
	require.NoError(m.t, err)
	return b
}

func (m *ledgerModel) balance(b map[payment.LedgerAccount]money.Amount, a payment.LedgerAccount) money.Amount {
	if v, ok := b[a]; ok {
		return v
	}
	z, err := money.Zero(m.currency)
	require.NoError(m.t, err)
	return z
}

// wallet rebuilds the wallet view from the ledger, as a host would.
func (m *ledgerModel) wallet() payment.Wallet {
	b := m.balances()
	var promos []payment.PromoBalance
	for _, id := range slices.Sorted(maps.Keys(m.expiries)) {
		promos = append(promos, payment.PromoBalance{GrantID: id, Balance: m.balance(b, payment.PromoAccount(id)), ExpiresAt: m.expiries[id]})
	}
	w, err := payment.NewWallet(m.balance(b, payment.CashAccount()), promos...)
	require.NoError(m.t, err)
	return w
}

// checkPlan asserts that a plan only takes live buckets, never more than
// they hold, and adds up to its amount.
func (m *ledgerModel) checkPlan(w payment.Wallet, plan payment.SpendPlan) {
	b := m.balances()
	sum, err := money.Zero(m.currency)
	require.NoError(m.t, err)
	for _, d := range plan.Debits {
		if d.Account.Kind == payment.AccountPromo {
			exp, ok := m.expiries[d.Account.Key]
			require.True(m.t, ok)
			require.True(m.t, m.now.Before(exp), "spent grant %s expired at %s, now %s", d.Account.Key, exp, m.now)
		}
		c, err := d.Amount.Cmp(m.balance(b, d.Account))
		require.NoError(m.t, err)
		require.LessOrEqual(m.t, c, 0, "debit %s exceeds the balance of %s", d.Amount, d.Account)
		require.True(m.t, d.Amount.IsPositive())
		sum, err = sum.Add(d.Amount)
		require.NoError(m.t, err)
	}
	require.True(m.t, sum.Equal(plan.Amount), "debits %s, plan %s", sum, plan.Amount)
}

// plan draws an amount around what is available and plans it; ok is false
// when the wallet is short, which must be an InsufficientCreditError.
func (m *ledgerModel) plan() (payment.SpendPlan, bool) {
	w := m.wallet()
	avail, err := w.Available(m.now).MinorUnits()
	require.NoError(m.t, err)
	amount := m.amount("spend", avail+10)
	policy := rapid.SampledFrom([]payment.SpendPolicy{"", payment.SpendPromoFirst, payment.SpendCashFirst}).Draw(m.t, "policy")
	plan, err := w.PlanSpend(amount, m.now, policy)
	minor, err2 := amount.MinorUnits()
	require.NoError(m.t, err2)
	if minor > avail {
		require.ErrorIs(m.t, err, payment.ErrInsufficientCredit)
		return payment.SpendPlan{}, false
	}
	require.NoError(m.t, err)
	m.checkPlan(w, plan)
	return plan, true
}

func (m *ledgerModel) checkInvariants() {
	b := m.balances()
	total, err := money.Zero(m.currency)
	require.NoError(m.t, err)
	for a, v := range b {
		total, err = total.Add(v)
		require.NoError(m.t, err)
		switch a.Kind {
		case payment.AccountCash, payment.AccountPromo, payment.AccountHeld, payment.AccountSales, payment.AccountPromoExpired:
			require.False(m.t, v.IsNegative(), "%s is %s", a, v)
		default:
			require.False(m.t, v.IsPositive(), "%s is %s", a, v)
		}
	}
	require.True(m.t, total.IsZero(), "all postings sum to %s", total)
	for id := range m.holds {
		require.False(m.t, m.balance(b, payment.HeldAccount(id)).IsZero(), "open hold %s holds credit", id)
	}
}

func TestLedgerPropertyBalancesNeverGoNegative(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		m := &ledgerModel{
			t:        rt,
			currency: rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(rt, "currency"),
			now:      day0,
			expiries: map[string]time.Time{},
			holds:    map[string]payment.Entry{},
		}
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for range steps {
			switch rapid.IntRange(0, 8).Draw(rt, "action") {
			case 0: // time passes
				m.now = m.now.Add(time.Duration(rapid.IntRange(0, 240).Draw(rt, "hours")) * time.Hour)
			case 1: // grant
				id := fmt.Sprintf("G-%d", m.seq)
				m.expiries[id] = m.now.Add(time.Duration(rapid.IntRange(1, 15*24).Draw(rt, "valid hours")) * time.Hour)
				m.add(payment.PromoGrantEntry(m.meta(), id, m.amount("grant", 1_000_000)))
			case 2: // top-up
				m.add(payment.TopUpEntry(m.meta(), "momo", m.amount("top-up", 1_000_000)))
			case 3: // spend from credit
				if plan, ok := m.plan(); ok {
					m.add(payment.SpendEntry(m.meta(), plan))
				}
			case 4: // hold for Top up & Pay
				if plan, ok := m.plan(); ok {
					id := fmt.Sprintf("P-%d", m.seq)
					e, err := payment.HoldEntry(m.meta(), id, plan)
					m.add(e, err)
					m.holds[id] = e
				}
			case 5, 6: // capture or release an open hold
				if len(m.holds) == 0 {
					break
				}
				// Sorted, so that rapid can replay and shrink the run.
				id := slices.Sorted(maps.Keys(m.holds))[0]
				if rapid.Bool().Draw(rt, "capture") {
					m.add(payment.CaptureEntry(m.meta(), m.holds[id], "zalopay", m.amount("gateway part", 1_000_000)))
				} else {
					m.add(payment.ReleaseEntry(m.meta(), m.holds[id]))
				}
				delete(m.holds, id)
			case 7: // refund
				m.add(payment.RefundEntry(m.meta(), m.amount("refund", 1_000_000)))
			case 8: // expiry sweep
				es, err := m.wallet().PlanExpiry(m.now)
				require.NoError(rt, err)
				for _, e := range es {
					m.add(e, nil)
				}
				again, err := m.wallet().PlanExpiry(m.now)
				require.NoError(rt, err)
				require.Empty(rt, again, "a second sweep finds nothing")
				w := m.wallet()
				for _, p := range w.Promos() {
					if !m.now.Before(p.ExpiresAt) {
						require.True(rt, p.Balance.IsZero(), "expired grant %s still holds %s", p.GrantID, p.Balance)
					}
				}
			}
			m.checkInvariants()
		}
	})
}

func TestPlanSpendPropertyTakesPromoInExpiryOrder(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 8).Draw(rt, "grants")
		promos := make([]payment.PromoBalance, n)
		for i := range promos {
			b, err := money.FromMinor(rapid.Int64Range(0, 1000).Draw(rt, "balance"), "VND")
			require.NoError(rt, err)
			promos[i] = payment.PromoBalance{GrantID: fmt.Sprintf("G%d", i), Balance: b,
				ExpiresAt: day0.Add(time.Duration(rapid.IntRange(-48, 48).Draw(rt, "expiry hours")) * time.Hour)}
		}
		cash, err := money.FromMinor(rapid.Int64Range(0, 1000).Draw(rt, "cash"), "VND")
		require.NoError(rt, err)
		w, err := payment.NewWallet(cash, promos...)
		require.NoError(rt, err)
		avail, err := w.Available(day0).MinorUnits()
		require.NoError(rt, err)
		if avail == 0 {
			return
		}
		amount, err := money.FromMinor(rapid.Int64Range(1, avail).Draw(rt, "amount"), "VND")
		require.NoError(rt, err)
		policy := rapid.SampledFrom([]payment.SpendPolicy{payment.SpendPromoFirst, payment.SpendCashFirst}).Draw(rt, "policy")
		plan, err := w.PlanSpend(amount, day0, policy)
		require.NoError(rt, err)

		// Every bucket but the last taken is emptied, and the buckets are
		// taken in the policy's order among those with spendable credit.
		byAccount := map[payment.LedgerAccount]payment.PromoBalance{}
		for _, p := range w.Promos() {
			byAccount[payment.PromoAccount(p.GrantID)] = p
		}
		var order []payment.LedgerAccount
		if policy == payment.SpendCashFirst && cash.IsPositive() {
			order = append(order, payment.CashAccount())
		}
		for _, p := range w.Promos() {
			if day0.Before(p.ExpiresAt) && p.Balance.IsPositive() {
				order = append(order, payment.PromoAccount(p.GrantID))
			}
		}
		if policy != payment.SpendCashFirst && cash.IsPositive() {
			order = append(order, payment.CashAccount())
		}
		require.LessOrEqual(rt, len(plan.Debits), len(order))
		for i, d := range plan.Debits {
			require.Equal(rt, order[i], d.Account)
			full := cash
			if d.Account.Kind == payment.AccountPromo {
				full = byAccount[d.Account].Balance
			}
			if i < len(plan.Debits)-1 {
				require.True(rt, d.Amount.Equal(full), "bucket %s not emptied before the next", d.Account)
			}
		}
	})
}
