package faultstore

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// wrapTx returns t as the storage.Tx handed to callers: one that is also a
// storage.RefundStore exactly when the wrapped transaction is one.
func wrapTx(t *tx) storage.Tx {
	if rs, ok := t.inner.(storage.RefundStore); ok {
		return refundTx{tx: t, r: rs.Refunds()}
	}
	return t
}

// refundTx is a tx whose wrapped transaction stores refunds.
type refundTx struct {
	*tx
	r storage.Refunds
}

// Refunds returns the wrapped transaction's refunds, each call a step
// where a fault can fire.
func (t refundTx) Refunds() storage.Refunds { return refunds{t.tx, t.r} }

type refunds struct {
	t *tx
	r storage.Refunds
}

func (w refunds) Create(ctx context.Context, r storage.Refund) error {
	if err := w.t.step(ctx, "Refunds.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, r)
}

func (w refunds) Get(ctx context.Context, accountID, id string) (storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.Get"); err != nil {
		return storage.Refund{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w refunds) GetForUpdate(ctx context.Context, accountID, id string) (storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.GetForUpdate"); err != nil {
		return storage.Refund{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w refunds) LookupForUpdate(ctx context.Context, id string) (storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.LookupForUpdate"); err != nil {
		return storage.Refund{}, err
	}
	return w.r.LookupForUpdate(ctx, id)
}

func (w refunds) Update(ctx context.Context, r storage.Refund) (storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.Update"); err != nil {
		return storage.Refund{}, err
	}
	return w.r.Update(ctx, r)
}

func (w refunds) ListByPayment(ctx context.Context, accountID, paymentID string) ([]storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.ListByPayment"); err != nil {
		return nil, err
	}
	return w.r.ListByPayment(ctx, accountID, paymentID)
}

func (w refunds) PendingDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Refund, error) {
	if err := w.t.step(ctx, "Refunds.PendingDue"); err != nil {
		return nil, err
	}
	return w.r.PendingDue(ctx, t, createdBefore, limit)
}
