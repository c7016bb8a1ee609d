package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/storage"
)

// usageState holds the usage events: by key for the idempotency check, and
// per account in insertion order for listing.
type usageState struct {
	byKey     map[usageKey]storage.UsageEvent
	byAccount map[string][]storage.UsageEvent
}

type usageKey struct{ account, id string }

func newUsageState() usageState {
	return usageState{byKey: map[usageKey]storage.UsageEvent{}, byAccount: map[string][]storage.UsageEvent{}}
}

type usage struct{ t *tx }

// usageText reports whether s is text the PostgreSQL store could hold too,
// so both stores refuse the same batches.
func usageText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// validUsage checks a batch against the contract of storage.Usage.Insert.
func validUsage(events []storage.UsageEvent) error {
	if len(events) > storage.MaxUsageBatch {
		return fmt.Errorf("memory: usage batch of %d events, at most %d: %w", len(events), storage.MaxUsageBatch, storage.ErrInvalidRecord)
	}
	for i, e := range events {
		switch {
		case e.ID == "" || e.AccountID == "" || e.ResourceID == "" || e.Metric == "" || e.At.IsZero():
			return fmt.Errorf("memory: usage event %d: id, account, resource, metric and time are required: %w", i, storage.ErrInvalidRecord)
		case !usageText(e.ID) || !usageText(e.AccountID) || !usageText(e.ResourceID) || !usageText(e.Metric) || !usageText(e.Value):
			return fmt.Errorf("memory: usage event %d: text must be UTF-8 without NUL bytes: %w", i, storage.ErrInvalidRecord)
		}
	}
	return nil
}

// Insert checks the whole batch before writing anything, so a refused batch
// leaves the transaction as it was. Every write goes through the undo log:
// a rolled-back transaction releases the ids it claimed.
func (r usage) Insert(ctx context.Context, events []storage.UsageEvent) ([]bool, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := validUsage(events); err != nil {
		return nil, err
	}
	s := &r.t.data.usage
	inserted := make([]bool, len(events))
	for i, e := range events {
		k := usageKey{e.AccountID, e.ID}
		if _, dup := s.byKey[k]; dup {
			continue
		}
		put(r.t, s.byKey, k, e)
		appendTo(r.t, s.byAccount, e.AccountID, e)
		inserted[i] = true
	}
	return inserted, nil
}

// List scans the account's events; memory is for tests and small hosts,
// where a scan per page is cheaper than keeping a sorted index.
func (r usage) List(ctx context.Context, q storage.UsageQuery) ([]storage.UsageEvent, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(q.Limit); err != nil {
		return nil, err
	}
	if q.AccountID == "" {
		return nil, fmt.Errorf("memory: usage listing without account: %w", storage.ErrInvalidRecord)
	}
	var out []storage.UsageEvent
	for _, e := range r.t.data.usage.byAccount[q.AccountID] {
		switch {
		case q.ResourceID != "" && e.ResourceID != q.ResourceID,
			q.Metric != "" && e.Metric != q.Metric,
			e.At.Before(q.From), !e.At.Before(q.To),
			!q.After.Before(e):
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b storage.UsageEvent) int {
		if c := strings.Compare(a.ResourceID, b.ResourceID); c != 0 {
			return c
		}
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return slices.Clip(out), nil
}

// Total sums the events List would select, without paging.
func (r usage) Total(ctx context.Context, q storage.UsageQuery) (decimal.Decimal, int, error) {
	if err := r.t.check(ctx); err != nil {
		return decimal.Zero, 0, err
	}
	if q.AccountID == "" {
		return decimal.Zero, 0, fmt.Errorf("memory: usage total without account: %w", storage.ErrInvalidRecord)
	}
	sum, n := decimal.Zero, 0
	for _, e := range r.t.data.usage.byAccount[q.AccountID] {
		switch {
		case q.ResourceID != "" && e.ResourceID != q.ResourceID,
			q.Metric != "" && e.Metric != q.Metric,
			e.At.Before(q.From), !e.At.Before(q.To):
			continue
		}
		sum, n = sum.Add(e.Quantity), n+1
	}
	return sum, n, nil
}
