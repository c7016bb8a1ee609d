package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

type ledger struct{ t *tx }

// ledgerState is the journal and its balance cache.
type ledgerState struct {
	seq      int64
	entries  map[string][]storage.LedgerEntry            // per tenant, Seq order
	entryIDs map[[2]string]int64                         // (tenant, id) → Seq
	balances map[string]map[string]storage.LedgerBalance // tenant → ledger account → balance
}

func newLedgerState() ledgerState {
	return ledgerState{
		entries:  map[string][]storage.LedgerEntry{},
		entryIDs: map[[2]string]int64{},
		balances: map[string]map[string]storage.LedgerBalance{},
	}
}

func cloneEntry(e storage.LedgerEntry) storage.LedgerEntry {
	e.Postings = slices.Clone(e.Postings)
	return e
}

// validateEntry applies the checks every store makes before storing an
// entry: two or more postings, one currency, summing to exactly zero.
func validateEntry(e storage.LedgerEntry) error {
	if e.ID == "" || e.AccountID == "" || e.Kind == "" {
		return fmt.Errorf("memory: ledger entry without id, account or kind: %w", storage.ErrInvalidRecord)
	}
	if len(e.Postings) < 2 {
		return fmt.Errorf("memory: ledger entry %q has %d postings: %w", e.ID, len(e.Postings), storage.ErrInvalidRecord)
	}
	cur := e.Postings[0].Amount.Currency().Code()
	amounts := make([]money.Amount, len(e.Postings))
	for i, p := range e.Postings {
		if p.LedgerAccount == "" {
			return fmt.Errorf("memory: ledger entry %q posting %d has no account: %w", e.ID, i, storage.ErrInvalidRecord)
		}
		amounts[i] = p.Amount
	}
	sum, err := money.Sum(cur, amounts...)
	if err != nil {
		return fmt.Errorf("memory: ledger entry %q: %v: %w", e.ID, err, storage.ErrInvalidRecord)
	}
	if !sum.IsZero() {
		return fmt.Errorf("memory: ledger entry %q postings sum to %s: %w", e.ID, sum, storage.ErrInvalidRecord)
	}
	return nil
}

func (r ledger) Append(ctx context.Context, e storage.LedgerEntry) (storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LedgerEntry{}, err
	}
	if err := validateEntry(e); err != nil {
		return storage.LedgerEntry{}, err
	}
	l := &r.t.data.ledger
	key := [2]string{e.AccountID, e.ID}
	if _, ok := l.entryIDs[key]; ok {
		return storage.LedgerEntry{}, fmt.Errorf("memory: ledger entry %q: %w", e.ID, storage.ErrDuplicate)
	}
	bals := l.balances[e.AccountID]
	if bals == nil {
		bals = map[string]storage.LedgerBalance{}
		l.balances[e.AccountID] = bals
	}
	// Compute every new balance first so a refused entry touches nothing.
	next := map[string]storage.LedgerBalance{}
	for _, p := range e.Postings {
		b, ok := next[p.LedgerAccount]
		if !ok {
			b, ok = bals[p.LedgerAccount]
			if !ok {
				b = storage.LedgerBalance{AccountID: e.AccountID, LedgerAccount: p.LedgerAccount, Amount: zeroLike(p.Amount), ExpiresAt: p.ExpiresAt}
			}
		}
		sum, err := b.Amount.Add(p.Amount)
		if err != nil {
			return storage.LedgerEntry{}, fmt.Errorf("memory: ledger entry %q: %v: %w", e.ID, err, storage.ErrInvalidRecord)
		}
		if p.NonNegative && sum.IsNegative() {
			return storage.LedgerEntry{}, fmt.Errorf("memory: %s of %q would be %s: %w", p.LedgerAccount, e.AccountID, sum, storage.ErrNegativeBalance)
		}
		b.Amount, b.UpdatedAt = sum, e.At
		next[p.LedgerAccount] = b
	}
	for acct, b := range next {
		old, existed := bals[acct]
		bals[acct] = b
		r.t.undo = append(r.t.undo, func() {
			if existed {
				bals[acct] = old
			} else {
				delete(bals, acct)
			}
		})
	}
	l.seq++
	e = cloneEntry(e)
	e.Seq = l.seq
	l.entries[e.AccountID] = append(l.entries[e.AccountID], e)
	l.entryIDs[key] = e.Seq
	r.t.undo = append(r.t.undo, func() {
		l.entries[e.AccountID] = l.entries[e.AccountID][:len(l.entries[e.AccountID])-1]
		delete(l.entryIDs, key)
		l.seq--
	})
	return cloneEntry(e), nil
}

func (r ledger) Entry(ctx context.Context, accountID, id string) (storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.LedgerEntry{}, err
	}
	l := &r.t.data.ledger
	seq, ok := l.entryIDs[[2]string{accountID, id}]
	if !ok {
		return storage.LedgerEntry{}, fmt.Errorf("memory: ledger entry %q: %w", id, storage.ErrNotFound)
	}
	all := l.entries[accountID]
	i, _ := slices.BinarySearchFunc(all, seq, func(e storage.LedgerEntry, s int64) int { return cmp.Compare(e.Seq, s) })
	return cloneEntry(all[i]), nil
}

func (r ledger) Entries(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.LedgerEntry, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	all := r.t.data.ledger.entries[accountID]
	i, _ := slices.BinarySearchFunc(all, afterSeq+1, func(e storage.LedgerEntry, s int64) int { return cmp.Compare(e.Seq, s) })
	var out []storage.LedgerEntry
	for ; i < len(all) && len(out) < limit; i++ {
		out = append(out, cloneEntry(all[i]))
	}
	return out, nil
}

func (r ledger) Balances(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	var out []storage.LedgerBalance
	for _, b := range r.t.data.ledger.balances[accountID] {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b storage.LedgerBalance) int { return cmp.Compare(a.LedgerAccount, b.LedgerAccount) })
	return out, nil
}

func (r ledger) PostingTotals(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	totals := map[string]money.Amount{}
	for _, e := range r.t.data.ledger.entries[accountID] {
		for _, p := range e.Postings {
			cur, ok := totals[p.LedgerAccount]
			if !ok {
				cur = zeroLike(p.Amount)
			}
			sum, err := cur.Add(p.Amount)
			if err != nil {
				return nil, err
			}
			totals[p.LedgerAccount] = sum
		}
	}
	out := make([]storage.LedgerBalance, 0, len(totals))
	for acct, amt := range totals {
		out = append(out, storage.LedgerBalance{AccountID: accountID, LedgerAccount: acct, Amount: amt})
	}
	slices.SortFunc(out, func(a, b storage.LedgerBalance) int { return cmp.Compare(a.LedgerAccount, b.LedgerAccount) })
	return out, nil
}

func (r ledger) Expiring(ctx context.Context, t time.Time, limit int) ([]storage.LedgerBalance, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	// A scan: the memory store trades an expiry index for simplicity;
	// expiry runs once per tick over balances that carry an expiry.
	var out []storage.LedgerBalance
	for _, bals := range r.t.data.ledger.balances {
		for _, b := range bals {
			if !b.ExpiresAt.IsZero() && !b.ExpiresAt.After(t) && b.Amount.IsPositive() {
				out = append(out, b)
			}
		}
	}
	slices.SortFunc(out, func(a, b storage.LedgerBalance) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.AccountID, b.AccountID), cmp.Compare(a.LedgerAccount, b.LedgerAccount))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// checkLimit enforces the 1–1000 page size of every List method.
func checkLimit(limit int) error {
	if limit < 1 || limit > 1000 {
		return fmt.Errorf("memory: limit %d outside 1–1000: %w", limit, storage.ErrInvalidRecord)
	}
	return nil
}

// zeroLike returns zero in a's currency.
func zeroLike(a money.Amount) money.Amount { return a.MulInt(0) }
