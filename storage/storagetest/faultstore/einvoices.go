package faultstore

import (
	"context"

	"github.com/cloudbill/cloudbill/storage"
)

type einvoices struct {
	t *tx
	r storage.EInvoices
}

func (w einvoices) Create(ctx context.Context, e storage.EInvoice) error {
	if err := w.t.step(ctx, "EInvoices.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, e)
}

func (w einvoices) Get(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	if err := w.t.step(ctx, "EInvoices.Get"); err != nil {
		return storage.EInvoice{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w einvoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	if err := w.t.step(ctx, "EInvoices.GetForUpdate"); err != nil {
		return storage.EInvoice{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w einvoices) BySource(ctx context.Context, accountID, source string) (storage.EInvoice, error) {
	if err := w.t.step(ctx, "EInvoices.BySource"); err != nil {
		return storage.EInvoice{}, err
	}
	return w.r.BySource(ctx, accountID, source)
}

func (w einvoices) ByDocument(ctx context.Context, accountID, documentID string) ([]storage.EInvoice, error) {
	if err := w.t.step(ctx, "EInvoices.ByDocument"); err != nil {
		return nil, err
	}
	return w.r.ByDocument(ctx, accountID, documentID)
}

func (w einvoices) Update(ctx context.Context, e storage.EInvoice) error {
	if err := w.t.step(ctx, "EInvoices.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, e)
}

func (w einvoices) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.EInvoice, error) {
	if err := w.t.step(ctx, "EInvoices.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, afterID, limit)
}
