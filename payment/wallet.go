package payment

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// PromoBalance is what is left of one promotional grant: the balance of
// "customer:promo:<GrantID>" and the instant the grant expires. Credit of a
// grant can be spent at instants strictly before ExpiresAt; at ExpiresAt and
// after it is expired and only PlanExpiry touches it.
type PromoBalance struct {
	GrantID   string
	Balance   money.Amount
	ExpiresAt time.Time
}

// Wallet is a read-only view of a customer's spendable credit, built from
// the balances of the cash account and of each promotional grant (held
// credit is not spendable and is not part of it). It answers what can be
// spent at an instant and plans how to spend it; it never changes: the
// planned entries, once stored, produce the balances of the next Wallet.
//
// The zero Wallet has no currency: its Available and Balance are the zero
// Amount, PlanSpend fails and PlanExpiry finds nothing. Use NewWallet.
type Wallet struct {
	cash money.Amount
	// promos are in spending order: soonest expiry first, ties by grant ID,
	// so that plans are deterministic.
	promos []PromoBalance
}

// NewWallet returns the wallet of cash and promos. cash fixes the
// currency and may be zero of it; every balance must be in that currency,
// zero or positive, and whole minor units (else an *AmountError); every
// grant needs a valid, unique ID and a non-zero ExpiresAt (else an
// *ArgumentError). Grants with a zero balance are kept, so that the view
// matches the ledger, but are never planned. The promos slice is copied.
func NewWallet(cash money.Amount, promos ...PromoBalance) (Wallet, error) {
	cur := cash.Currency()
	if cur.IsZero() {
		return Wallet{}, &AmountError{Name: "cash", Amount: cash, Reason: "has no currency"}
	}
	if err := checkBalance("cash", cash, cur); err != nil {
		return Wallet{}, err
	}
	seen := make(map[string]bool, len(promos))
	for i, p := range promos {
		name := "promos[" + strconv.Itoa(i) + "]"
		if err := checkID(name+".GrantID", p.GrantID); err != nil {
			return Wallet{}, err
		}
		if seen[p.GrantID] {
			return Wallet{}, &ArgumentError{Name: name + ".GrantID", Reason: "repeats grant " + strconv.Quote(p.GrantID)}
		}
		seen[p.GrantID] = true
		if err := checkBalance(name+".Balance", p.Balance, cur); err != nil {
			return Wallet{}, err
		}
		if p.ExpiresAt.IsZero() {
			return Wallet{}, &ArgumentError{Name: name + ".ExpiresAt", Reason: "is the zero time"}
		}
	}
	sorted := slices.Clone(promos)
	slices.SortFunc(sorted, func(a, b PromoBalance) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.GrantID, b.GrantID))
	})
	return Wallet{cash: cash, promos: sorted}, nil
}

// Currency returns the wallet's currency.
func (w Wallet) Currency() money.Currency { return w.cash.Currency() }

// Cash returns the cash balance.
func (w Wallet) Cash() money.Amount { return w.cash }

// Promos returns a copy of the promotional balances in spending order:
// soonest expiry first, ties by grant ID.
func (w Wallet) Promos() []PromoBalance { return slices.Clone(w.promos) }

// Balance returns all credit in the wallet, cash plus every promotional
// balance, including grants that have expired but not yet been swept by
// PlanExpiry. It is what the customer's accounts hold, not what can be
// spent; see Available.
func (w Wallet) Balance() money.Amount {
	return w.total(time.Time{}, false)
}

// Available returns the credit that can be spent at instant at: cash plus
// the promotional balances of grants that expire after at.
func (w Wallet) Available(at time.Time) money.Amount {
	return w.total(at, true)
}

// total sums cash and the promotional balances, leaving out grants expired
// at at when onlyLive is set. The zero Wallet gives the zero Amount.
func (w Wallet) total(at time.Time, onlyLive bool) money.Amount {
	// money.Sum of the cash and the (live) grants, added in place.
	sum, err := money.Zero(w.cash.Currency().Code())
	if err == nil {
		sum, err = sum.Add(w.cash)
	}
	for _, p := range w.promos {
		if err == nil && (!onlyLive || p.live(at)) {
			sum, err = sum.Add(p.Balance)
		}
	}
	if err != nil {
		// Only the zero Wallet gets here (NewWallet checked every currency);
		// the zero Amount fails any later arithmetic instead of passing as 0.
		return money.Amount{}
	}
	return sum
}

// live reports whether the grant's credit may be spent at at.
func (p PromoBalance) live(at time.Time) bool { return at.Before(p.ExpiresAt) }

// SpendPolicy is the order in which a payment from credit takes the
// wallet's buckets. Promotional grants are always taken soonest expiry
// first (ties by grant ID), so the credit most at risk of expiring is used
// before the rest. The zero value is SpendPromoFirst.
type SpendPolicy string

const (
	// SpendPromoFirst takes promotional credit first, then cash. It is the
	// default (also chosen by the empty policy) because it spends the credit
	// that would otherwise expire and keeps the customer's own money.
	SpendPromoFirst SpendPolicy = "promo_first"
	// SpendCashFirst takes cash first, then promotional credit.
	SpendCashFirst SpendPolicy = "cash_first"
)

// Valid reports whether p is a known policy or empty (the default).
func (p SpendPolicy) Valid() bool {
	return p == "" || p == SpendPromoFirst || p == SpendCashFirst
}

// BucketDebit is the part of a planned payment taken from one bucket of the
// wallet (cash or a promotional grant). Amount is positive: what leaves the
// bucket.
type BucketDebit struct {
	Account LedgerAccount
	Amount  money.Amount
}

// SpendPlan says which buckets pay Amount: the debits are in the order the
// policy took them, each positive, on distinct buckets, summing to exactly
// Amount. SpendEntry and HoldEntry turn a plan into a journal entry.
type SpendPlan struct {
	Amount money.Amount
	Debits []BucketDebit
}

// PlanSpend plans paying amount from the credit available at at, following
// policy (see SpendPolicy). Each bucket gives all it has until the rest is
// smaller than a bucket's balance, which then gives just the rest; buckets
// with nothing spendable (empty, or grants expired at at) are skipped, so
// no bucket is ever planned below zero and expired credit is never spent.
//
// amount must be a payable amount in the wallet's currency (else an
// *AmountError, ErrInvalidAmount) and policy valid (else an
// *ArgumentError). When Available(at) is less than amount the result is an
// *InsufficientCreditError (ErrInsufficientCredit) and no plan.
func (w Wallet) PlanSpend(amount money.Amount, at time.Time, policy SpendPolicy) (SpendPlan, error) {
	if err := checkAmount("amount", amount); err != nil {
		return SpendPlan{}, err
	}
	if err := sameCurrency("amount", amount, w.Currency()); err != nil {
		return SpendPlan{}, err
	}
	if !policy.Valid() {
		return SpendPlan{}, &ArgumentError{Name: "policy", Reason: "unknown spend policy " + strconv.Quote(clip(string(policy)))}
	}
	avail := w.Available(at)
	if c, err := avail.Cmp(amount); err != nil || c < 0 {
		return SpendPlan{}, &InsufficientCreditError{Requested: amount, Available: avail}
	}

	plan := SpendPlan{Amount: amount, Debits: make([]BucketDebit, 0, len(w.promos)+1)}
	rest := amount
	take := func(acct LedgerAccount, balance money.Amount) error {
		if rest.IsZero() || !balance.IsPositive() {
			return nil
		}
		part := balance
		if c, err := balance.Cmp(rest); err != nil {
			return err
		} else if c > 0 {
			part = rest
		}
		r, err := rest.Sub(part)
		if err != nil {
			return err
		}
		rest = r
		plan.Debits = append(plan.Debits, BucketDebit{Account: acct, Amount: part})
		return nil
	}
	if policy == SpendCashFirst {
		if err := take(CashAccount(), w.cash); err != nil {
			return SpendPlan{}, err
		}
	}
	for _, p := range w.promos {
		if p.live(at) {
			if err := take(PromoAccount(p.GrantID), p.Balance); err != nil {
				return SpendPlan{}, err
			}
		}
	}
	if policy != SpendCashFirst {
		if err := take(CashAccount(), w.cash); err != nil {
			return SpendPlan{}, err
		}
	}
	return plan, nil
}

// PlanExpiry returns one promo_expire entry for each grant that has expired
// at at (ExpiresAt <= at) and still holds a balance, moving that whole
// balance to "income:promo_expired", in spending order. Each entry is
// dated at, refers to the grant ({RefGrant, grantID}) and has the ID
// "promo_expire:<grantID>:<at>" (at in UTC, to the nanosecond). Running it
// again after the entries are stored returns none. Credit can come back
// to a grant after it expired — a hold taken from it before its expiry and
// released after — and the next expiry moves that too, with an entry of
// its own; the caller plans under the account's lock, so two workers
// never expire the same balance.
func (w Wallet) PlanExpiry(at time.Time) ([]Entry, error) {
	var out []Entry
	for _, p := range w.promos {
		if p.live(at) || !p.Balance.IsPositive() {
			continue
		}
		e, err := PromoExpireEntry(EntryMeta{
			ID:        "promo_expire:" + p.GrantID + ":" + at.UTC().Format("20060102T150405.000000000Z"),
			Reference: Reference{Type: RefGrant, ID: p.GrantID},
			Memo:      "promotional credit expired at " + p.ExpiresAt.Format(time.RFC3339),
			At:        at,
		}, p.GrantID, p.Balance)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
