package memory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// refundState holds refunds to a payment's original method.
type refundState struct {
	refunds   map[string]storage.Refund // by refund id
	byPayment map[[2]string][]string    // (tenant, payment) → refund ids, creation order
	// pending indexes the pending refunds, so the worker's sweep costs
	// what is in flight.
	pending map[string]bool
}

func newRefundState() refundState {
	return refundState{refunds: map[string]storage.Refund{}, byPayment: map[[2]string][]string{}, pending: map[string]bool{}}
}

var _ storage.RefundStore = (*tx)(nil)

// Refunds returns the tenant-scoped refunds of the transaction.
func (t *tx) Refunds() storage.Refunds { return refunds{t} }

type refunds struct{ t *tx }

func validRefund(r storage.Refund) bool {
	return r.ID != "" && r.AccountID != "" && r.PaymentID != "" && r.Status.Valid() && r.Attempts >= 0
}

func (r refunds) Create(ctx context.Context, rf storage.Refund) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !validRefund(rf) {
		return fmt.Errorf("memory: refund without id, account, payment or status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.refunds
	if _, ok := s.refunds[rf.ID]; ok {
		return fmt.Errorf("memory: refund %q: %w", rf.ID, storage.ErrDuplicate)
	}
	rf.Version = 1
	put(r.t, s.refunds, rf.ID, rf)
	appendTo(r.t, s.byPayment, [2]string{rf.AccountID, rf.PaymentID}, rf.ID)
	r.reindex(rf)
	return nil
}

// reindex files rf in the pending index or takes it out, with its undo.
func (r refunds) reindex(rf storage.Refund) {
	idx := r.t.data.refunds.pending
	was, is := idx[rf.ID], rf.Status == payment.RefundPending
	if was == is {
		return
	}
	if was {
		delete(idx, rf.ID)
		r.t.onUndo(func() { idx[rf.ID] = true })
	} else {
		idx[rf.ID] = true
		r.t.onUndo(func() { delete(idx, rf.ID) })
	}
}

func (r refunds) Get(ctx context.Context, accountID, id string) (storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Refund{}, err
	}
	rf, ok := r.t.data.refunds.refunds[id]
	if !ok || rf.AccountID != accountID {
		return storage.Refund{}, fmt.Errorf("memory: refund %q: %w", id, storage.ErrNotFound)
	}
	return rf, nil
}

func (r refunds) GetForUpdate(ctx context.Context, accountID, id string) (storage.Refund, error) {
	return r.Get(ctx, accountID, id)
}

func (r refunds) LookupForUpdate(ctx context.Context, id string) (storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Refund{}, err
	}
	rf, ok := r.t.data.refunds.refunds[id]
	if !ok {
		return storage.Refund{}, fmt.Errorf("memory: refund %q: %w", id, storage.ErrNotFound)
	}
	return rf, nil
}

func (r refunds) Update(ctx context.Context, rf storage.Refund) (storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Refund{}, err
	}
	s := &r.t.data.refunds
	old, ok := s.refunds[rf.ID]
	if !ok || old.AccountID != rf.AccountID {
		return storage.Refund{}, fmt.Errorf("memory: refund %q: %w", rf.ID, storage.ErrNotFound)
	}
	if !validRefund(rf) || rf.PaymentID != old.PaymentID {
		return storage.Refund{}, fmt.Errorf("memory: refund %q without status, with negative attempts or another payment: %w", rf.ID, storage.ErrInvalidRecord)
	}
	rf.CreatedAt, rf.Version = old.CreatedAt, old.Version+1
	put(r.t, s.refunds, rf.ID, rf)
	r.reindex(rf)
	return rf, nil
}

func (r refunds) ListByPayment(ctx context.Context, accountID, paymentID string) ([]storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.refunds
	ids := s.byPayment[[2]string{accountID, paymentID}]
	out := make([]storage.Refund, 0, len(ids))
	for _, id := range ids {
		out = append(out, s.refunds[id])
	}
	slices.SortFunc(out, byCreation)
	return out, nil
}

func (r refunds) PendingDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Refund, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.refunds
	var out []storage.Refund
	for id := range s.pending {
		rf := s.refunds[id]
		if !rf.CreatedAt.After(createdBefore) && !rf.RetryAt.After(t) {
			out = append(out, rf)
		}
	}
	slices.SortFunc(out, byCreation)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// byCreation orders refunds oldest first, ties by id.
func byCreation(a, b storage.Refund) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
}
