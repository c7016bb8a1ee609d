package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// paymentState holds payments and everything gateways touch.
type paymentState struct {
	payments  *table[string, storage.Payment] // by payment id
	byAccount *lists[string, string]          // tenant → payment ids, creation order
	events    map[[2]string]time.Time         // (gateway, event id) → applied at
	linked    map[string]storage.LinkedAccount
	linkedBy  map[string][]string // tenant → linked account ids, creation order
	links     map[string]storage.PaymentLink
	// open indexes the payments the worker may have to expire or retry
	// (status "created" or "pending"), so its sweeps cost what is in
	// flight, not what exists.
	open map[string]bool
}

func newPaymentState() paymentState {
	return paymentState{
		payments:  newTable[string, storage.Payment](),
		byAccount: newLists[string, string](),
		events:    map[[2]string]time.Time{},
		linked:    map[string]storage.LinkedAccount{},
		linkedBy:  map[string][]string{},
		links:     map[string]storage.PaymentLink{},
		open:      map[string]bool{},
	}
}

type payments struct{ t *tx }

func (r payments) Create(ctx context.Context, p storage.Payment) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if p.ID == "" || p.AccountID == "" || p.Status == "" || p.Attempts < 0 || p.QueryAttempts < 0 {
		return fmt.Errorf("memory: payment without id, account or status, or with negative attempts: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.payments
	if _, ok := s.payments.m[p.ID]; ok {
		return fmt.Errorf("memory: payment %q: %w", p.ID, storage.ErrDuplicate)
	}
	p.Version = 1
	set(r.t, s.payments, p.ID, p)
	add(r.t, s.byAccount, p.AccountID, p.ID)
	r.reindex(p)
	return nil
}

// isOpen reports whether a payment belongs in the open index.
func isOpen(p storage.Payment) bool { return p.Status == "created" || p.Status == "pending" }

// reindex files p in the open index or takes it out, with its undo.
func (r payments) reindex(p storage.Payment) {
	open := r.t.data.payments.open
	was := open[p.ID]
	if was == isOpen(p) {
		return
	}
	if was {
		delete(open, p.ID)
		r.t.onUndo(func() { open[p.ID] = true })
	} else {
		open[p.ID] = true
		r.t.onUndo(func() { delete(open, p.ID) })
	}
}

func (r payments) Get(ctx context.Context, accountID, id string) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	p, ok := r.t.data.payments.payments.m[id]
	if !ok || p.AccountID != accountID {
		return storage.Payment{}, fmt.Errorf("memory: payment %q: %w", id, storage.ErrNotFound)
	}
	return p, nil
}

func (r payments) GetForUpdate(ctx context.Context, accountID, id string) (storage.Payment, error) {
	return r.Get(ctx, accountID, id)
}

func (r payments) LookupForUpdate(ctx context.Context, id string) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	p, ok := r.t.data.payments.payments.m[id]
	if !ok {
		return storage.Payment{}, fmt.Errorf("memory: payment %q: %w", id, storage.ErrNotFound)
	}
	return p, nil
}

func (r payments) Update(ctx context.Context, p storage.Payment) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	s := &r.t.data.payments
	old, ok := s.payments.m[p.ID]
	if !ok || old.AccountID != p.AccountID {
		return storage.Payment{}, fmt.Errorf("memory: payment %q: %w", p.ID, storage.ErrNotFound)
	}
	if p.Status == "" || p.Attempts < 0 || p.QueryAttempts < 0 {
		return storage.Payment{}, fmt.Errorf("memory: payment %q without status or with negative attempts: %w", p.ID, storage.ErrInvalidRecord)
	}
	p.CreatedAt, p.Version = old.CreatedAt, old.Version+1
	set(r.t, s.payments, p.ID, p)
	r.reindex(p)
	return p, nil
}

func (r payments) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.payments
	ids := s.byAccount.m[accountID]
	i := len(ids) - 1
	if afterID != "" {
		i = slices.Index(ids, afterID) - 1
		if i < -1 {
			return nil, fmt.Errorf("memory: payment cursor %q: %w", afterID, storage.ErrNotFound)
		}
	}
	var out []storage.Payment
	for ; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.payments.m[ids[i]])
	}
	return out, nil
}

func (r payments) ExpiryDue(ctx context.Context, t time.Time, limit int) ([]storage.Payment, error) {
	return r.due(ctx, limit, func(p storage.Payment) bool {
		return !p.ExpiresAt.IsZero() && !p.ExpiresAt.After(t) && !p.RetryAt.After(t)
	}, func(p storage.Payment) time.Time { return p.ExpiresAt })
}

func (r payments) RetryDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Payment, error) {
	return r.due(ctx, limit, func(p storage.Payment) bool {
		if p.Status != "created" || !p.ExpiresAt.After(t) {
			return false
		}
		if p.RetryAt.IsZero() {
			return !p.CreatedAt.After(createdBefore)
		}
		return !p.RetryAt.After(t)
	}, func(p storage.Payment) time.Time { return p.CreatedAt })
}

// due returns up to limit open payments that match, ordered by key, then
// id.
func (r payments) due(ctx context.Context, limit int, match func(storage.Payment) bool, key func(storage.Payment) time.Time) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.payments
	var out []storage.Payment
	for id := range s.open {
		if p := s.payments.m[id]; match(p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b storage.Payment) int {
		return cmp.Or(key(a).Compare(key(b)), cmp.Compare(a.ID, b.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

type gatewayEvents struct{ t *tx }

func (r gatewayEvents) Record(ctx context.Context, gateway, eventID string, at time.Time) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if gateway == "" || eventID == "" {
		return fmt.Errorf("memory: gateway event without gateway or id: %w", storage.ErrInvalidRecord)
	}
	k := [2]string{gateway, eventID}
	m := r.t.data.payments.events
	if _, ok := m[k]; ok {
		return fmt.Errorf("memory: gateway event %s/%s: %w", gateway, eventID, storage.ErrDuplicate)
	}
	put(r.t, m, k, at)
	return nil
}
