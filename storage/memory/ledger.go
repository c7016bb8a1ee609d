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
	for i, p := range e.Postings {
		if p.LedgerAccount == "" {
			return fmt.Errorf("memory: ledger entry %q posting %d has no account: %w", e.ID, i, storage.ErrInvalidRecord)
		}
	}
	// money.Sum of the postings, added in place rather than gathered into
	// a slice first: the same checks and errors.
	sum, err := money.Zero(cur)
	for _, p := range e.Postings {
		if err != nil {
			break
		}
		sum, err = sum.Add(p.Amount)
	}
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
	// An entry has a handful of postings: the balances it moves are kept
	// in a small slice (on the stack for up to eight) rather than a map.
	type moved struct {
		acct    string
		b, old  storage.LedgerBalance
		existed bool
	}
	next := make([]moved, 0, 8)
	for _, p := range e.Postings {
		i := slices.IndexFunc(next, func(m moved) bool { return m.acct == p.LedgerAccount })
		if i < 0 {
			old, existed := bals[p.LedgerAccount]
			b := old
			if !existed {
				b = storage.LedgerBalance{AccountID: e.AccountID, LedgerAccount: p.LedgerAccount, Amount: zeroLike(p.Amount), ExpiresAt: p.ExpiresAt}
			}
			next = append(next, moved{acct: p.LedgerAccount, b: b, old: old, existed: existed})
			i = len(next) - 1
		}
		b := &next[i].b
		sum, err := b.Amount.Add(p.Amount)
		if err != nil {
			return storage.LedgerEntry{}, fmt.Errorf("memory: ledger entry %q: %v: %w", e.ID, err, storage.ErrInvalidRecord)
		}
		if p.NonNegative && sum.IsNegative() {
			return storage.LedgerEntry{}, fmt.Errorf("memory: %s of %q would be %s: %w", p.LedgerAccount, e.AccountID, sum, storage.ErrNegativeBalance)
		}
		b.Amount, b.UpdatedAt = sum, e.At
	}
	for _, m := range next {
		bals[m.acct] = m.b
	}
	// One undo step restores every balance moved (in reverse order, as
	// separate steps would).
	undo := make([]moved, len(next))
	copy(undo, next)
	r.t.onUndo(func() {
		for i := len(undo) - 1; i >= 0; i-- {
			if m := undo[i]; m.existed {
				bals[m.acct] = m.old
			} else {
				delete(bals, m.acct)
			}
		}
	})
	l.seq++
	e = cloneEntry(e)
	e.Seq = l.seq
	l.entries[e.AccountID] = append(l.entries[e.AccountID], e)
	l.entryIDs[key] = e.Seq
	r.t.onUndo(func() {
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
	bals := r.t.data.ledger.balances[accountID]
	if len(bals) == 0 {
		return nil, nil
	}
	out := make([]storage.LedgerBalance, 0, len(bals))
	for _, b := range bals {
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
