package memory

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

type invoices struct{ t *tx }

func cloneInvoice(inv storage.Invoice) storage.Invoice { return inv.Clone() }

func numberKey(inv storage.Invoice) string {
	return inv.Series + "/" + strconv.FormatInt(inv.Number, 10)
}

// claimNumber records that inv holds its (Series, Number), refusing a pair
// another invoice holds.
func (r invoices) claimNumber(inv storage.Invoice) error {
	if inv.Series == "" {
		return nil
	}
	if inv.Number < 1 {
		return fmt.Errorf("memory: invoice %q in series %s without a number: %w", inv.ID, inv.Series, storage.ErrInvalidRecord)
	}
	issued, key := r.t.data.resources.issued, numberKey(inv)
	if holder, ok := issued.m[key]; ok && holder != inv.ID {
		return fmt.Errorf("memory: invoice number %s: %w", key, storage.ErrDuplicate)
	}
	set(r.t, issued, key, inv.ID)
	return nil
}

func (r invoices) Create(ctx context.Context, inv storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if inv.ID == "" || inv.AccountID == "" || inv.Kind == "" || inv.Status == "" {
		return fmt.Errorf("memory: invoice without id, account, kind or status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.resources
	if _, ok := s.invoices.m[inv.ID]; ok {
		return fmt.Errorf("memory: invoice %q: %w", inv.ID, storage.ErrDuplicate)
	}
	if err := r.claimNumber(inv); err != nil {
		return err
	}
	set(r.t, s.invoices, inv.ID, cloneInvoice(inv))
	add(r.t, s.invoicesBy, inv.AccountID, inv.ID)
	return nil
}

func (r invoices) Get(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Invoice{}, err
	}
	inv, ok := r.t.data.resources.invoices.m[id]
	if !ok || inv.AccountID != accountID {
		return storage.Invoice{}, fmt.Errorf("memory: invoice %q: %w", id, storage.ErrNotFound)
	}
	return cloneInvoice(inv), nil
}

func (r invoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	return r.Get(ctx, accountID, id)
}

func (r invoices) Update(ctx context.Context, inv storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	s := &r.t.data.resources
	old, ok := s.invoices.m[inv.ID]
	if !ok || old.AccountID != inv.AccountID {
		return fmt.Errorf("memory: invoice %q: %w", inv.ID, storage.ErrNotFound)
	}
	if err := r.claimNumber(inv); err != nil {
		return err
	}
	inv.CreatedAt = old.CreatedAt
	set(r.t, s.invoices, inv.ID, cloneInvoice(inv))
	return nil
}

func (r invoices) List(ctx context.Context, accountID, resourceID, afterID string, limit int) ([]storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	ids := s.invoicesBy.m[accountID]
	i := len(ids) - 1
	if afterID != "" {
		i = slices.Index(ids, afterID) - 1
		if i < -1 {
			return nil, fmt.Errorf("memory: invoice cursor %q: %w", afterID, storage.ErrNotFound)
		}
	}
	var out []storage.Invoice
	for ; i >= 0 && len(out) < limit; i-- {
		if inv := s.invoices.m[ids[i]]; resourceID == "" || inv.ResourceID == resourceID {
			out = append(out, cloneInvoice(inv))
		}
	}
	return out, nil
}

// Open scans the account's invoices: an account owes on a handful.
func (r invoices) Open(ctx context.Context, accountID string, limit int) ([]storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	var out []storage.Invoice
	for _, id := range s.invoicesBy.m[accountID] {
		inv := s.invoices.m[id]
		if inv.Kind == invoice.KindInvoice && (inv.Status == invoice.StatusIssued || inv.Status == invoice.StatusPartiallyPaid) {
			out = append(out, inv)
		}
	}
	slices.SortFunc(out, func(a, b storage.Invoice) int {
		if c := a.IssuedAt.Compare(b.IssuedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out = out[:min(len(out), limit)]
	for i := range out {
		out[i] = cloneInvoice(out[i])
	}
	return out, nil
}

func (r invoices) NextNumber(ctx context.Context, series string) (int64, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	if series == "" {
		return 0, fmt.Errorf("memory: empty invoice series: %w", storage.ErrInvalidRecord)
	}
	m := r.t.data.resources.numbers
	n := m[series] + 1
	put(r.t, m, series, n)
	return n, nil
}

type actions struct{ t *tx }

func (r actions) Append(ctx context.Context, a storage.Action) (storage.Action, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Action{}, err
	}
	if a.ID == "" || a.AccountID == "" || a.Kind == "" {
		return storage.Action{}, fmt.Errorf("memory: action without id, account or kind: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.resources
	if s.actionIDs[a.ID] {
		return storage.Action{}, fmt.Errorf("memory: action %q: %w", a.ID, storage.ErrDuplicate)
	}
	put(r.t, s.actionIDs, a.ID, true)
	s.actionSeq++
	a.Seq = s.actionSeq
	appendTo(r.t, s.actions, a.AccountID, a.Clone())
	r.t.onUndo(func() { s.actionSeq-- })
	return a.Clone(), nil
}

func (r actions) List(ctx context.Context, accountID, resourceID string, afterSeq int64, limit int) ([]storage.Action, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	var out []storage.Action
	for _, a := range r.t.data.resources.actions[accountID] {
		if a.Seq <= afterSeq || (resourceID != "" && a.ResourceID != resourceID) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, a.Clone())
	}
	return out, nil
}
