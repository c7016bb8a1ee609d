package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/cloudbill/cloudbill/storage"
)

// GetManyForUpdate reads each distinct id once, in byte order; the
// store's lock already serialises the transaction, so nothing more is
// locked.
func (r accounts) GetManyForUpdate(ctx context.Context, ids []string) ([]storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	sorted := slices.Compact(slices.Sorted(slices.Values(ids)))
	out := make([]storage.Account, 0, len(sorted))
	for _, id := range sorted {
		if a, ok := r.t.data.accounts.m[id]; ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// NextNumbers moves the series on by n in one write.
func (r invoices) NextNumbers(ctx context.Context, series string, n int) (int64, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	if series == "" || n < 1 {
		return 0, fmt.Errorf("memory: %d numbers of invoice series %q: %w", n, series, storage.ErrInvalidRecord)
	}
	m := r.t.data.resources.numbers
	first := m[series] + 1
	put(r.t, m, series, first+int64(n)-1)
	return first, nil
}

// CreateMany checks every invoice's required fields before writing any.
func (r invoices) CreateMany(ctx context.Context, invs []storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, inv := range invs {
		if inv.ID == "" || inv.AccountID == "" || inv.Kind == "" || inv.Status == "" || (inv.Series != "" && inv.Number < 1) {
			return fmt.Errorf("memory: invoice %q without id, account, kind, status or number: %w", inv.ID, storage.ErrInvalidRecord)
		}
	}
	for _, inv := range invs {
		if err := r.Create(ctx, inv); err != nil {
			return err
		}
	}
	return nil
}

// AppendMany checks every event's required fields before writing any.
func (r outbox) AppendMany(ctx context.Context, events []storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, e := range events {
		if e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "" {
			return fmt.Errorf("memory: event without id, account, stream or kind: %w", storage.ErrInvalidRecord)
		}
	}
	for _, e := range events {
		if _, err := r.append(e); err != nil {
			return err
		}
	}
	return nil
}

// PutMany validates every job before writing any.
func (r jobs) PutMany(ctx context.Context, js []storage.Job) error {
	if err := r.validAll(ctx, js); err != nil {
		return err
	}
	for _, j := range js {
		if err := r.Put(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

// EnsureMany validates every job before writing any.
func (r jobs) EnsureMany(ctx context.Context, js []storage.Job) error {
	if err := r.validAll(ctx, js); err != nil {
		return err
	}
	for _, j := range js {
		if _, err := r.Ensure(ctx, j); err != nil {
			return err
		}
	}
	return nil
}

func (r jobs) validAll(ctx context.Context, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, j := range js {
		if err := validJob(j); err != nil {
			return err
		}
	}
	return nil
}

// UpdateMany validates every resource before writing any, and hands
// nothing back, so each is cloned once (into the store).
func (r resources) UpdateMany(ctx context.Context, rs []storage.Resource) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, res := range rs {
		if res.Status == "" {
			return fmt.Errorf("memory: resource %q without status: %w", res.ID, storage.ErrInvalidRecord)
		}
	}
	for _, res := range rs {
		if _, err := r.update(res); err != nil {
			return err
		}
	}
	return nil
}
