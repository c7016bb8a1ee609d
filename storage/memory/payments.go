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
	payments  map[string]storage.Payment // by payment id
	byAccount map[string][]string        // tenant → payment ids, creation order
	events    map[[2]string]time.Time    // (gateway, event id) → applied at
	linked    map[string]storage.LinkedAccount
	linkedBy  map[string][]string // tenant → linked account ids, creation order
	links     map[string]storage.PaymentLink
}

func newPaymentState() paymentState {
	return paymentState{
		payments:  map[string]storage.Payment{},
		byAccount: map[string][]string{},
		events:    map[[2]string]time.Time{},
		linked:    map[string]storage.LinkedAccount{},
		linkedBy:  map[string][]string{},
		links:     map[string]storage.PaymentLink{},
	}
}

type payments struct{ t *tx }

func (r payments) Create(ctx context.Context, p storage.Payment) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if p.ID == "" || p.AccountID == "" || p.Status == "" {
		return fmt.Errorf("memory: payment without id, account or status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.payments
	if _, ok := s.payments[p.ID]; ok {
		return fmt.Errorf("memory: payment %q: %w", p.ID, storage.ErrDuplicate)
	}
	p.Version = 1
	put(r.t, s.payments, p.ID, p)
	appendTo(r.t, s.byAccount, p.AccountID, p.ID)
	return nil
}

func (r payments) Get(ctx context.Context, accountID, id string) (storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Payment{}, err
	}
	p, ok := r.t.data.payments.payments[id]
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
	p, ok := r.t.data.payments.payments[id]
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
	old, ok := s.payments[p.ID]
	if !ok || old.AccountID != p.AccountID {
		return storage.Payment{}, fmt.Errorf("memory: payment %q: %w", p.ID, storage.ErrNotFound)
	}
	if p.Status == "" {
		return storage.Payment{}, fmt.Errorf("memory: payment %q without status: %w", p.ID, storage.ErrInvalidRecord)
	}
	p.CreatedAt, p.Version = old.CreatedAt, old.Version+1
	put(r.t, s.payments, p.ID, p)
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
	ids := s.byAccount[accountID]
	i := len(ids) - 1
	if afterID != "" {
		i = slices.Index(ids, afterID) - 1
		if i < -1 {
			return nil, fmt.Errorf("memory: payment cursor %q: %w", afterID, storage.ErrNotFound)
		}
	}
	var out []storage.Payment
	for ; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.payments[ids[i]])
	}
	return out, nil
}

func (r payments) PendingExpired(ctx context.Context, t time.Time, limit int) ([]storage.Payment, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	var out []storage.Payment
	for _, p := range r.t.data.payments.payments {
		if p.Status == "pending" && !p.ExpiresAt.IsZero() && !p.ExpiresAt.After(t) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b storage.Payment) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.ID, b.ID))
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
