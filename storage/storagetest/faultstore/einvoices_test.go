package faultstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/storagetest/faultstore"
)

// TestEveryEInvoicesCallCanFail arms the store at the second call (the
// first is InTx) and makes one EInvoices call: each of the seven methods is
// counted under its own name and fails with ErrInjected, without reaching
// the wrapped store.
func TestEveryEInvoicesCallCanFail(t *testing.T) {
	e := storage.EInvoice{ID: "e1", AccountID: "a", Source: "invoice:inv-1", Kind: "original", DocumentIDs: []string{"inv-1"},
		Series: "1C26TAA", Number: 1, IssuedAt: epoch, Status: "draft", CreatedAt: epoch, UpdatedAt: epoch}
	calls := map[string]func(ctx context.Context, r storage.EInvoices) error{
		"EInvoices.Create": func(ctx context.Context, r storage.EInvoices) error { return r.Create(ctx, e) },
		"EInvoices.Get": func(ctx context.Context, r storage.EInvoices) error {
			_, err := r.Get(ctx, "a", "e1")
			return err
		},
		"EInvoices.GetForUpdate": func(ctx context.Context, r storage.EInvoices) error {
			_, err := r.GetForUpdate(ctx, "a", "e1")
			return err
		},
		"EInvoices.BySource": func(ctx context.Context, r storage.EInvoices) error {
			_, err := r.BySource(ctx, "a", "invoice:inv-1")
			return err
		},
		"EInvoices.ByDocument": func(ctx context.Context, r storage.EInvoices) error {
			_, err := r.ByDocument(ctx, "a", "inv-1")
			return err
		},
		"EInvoices.Update": func(ctx context.Context, r storage.EInvoices) error {
			upd := e
			upd.Status = "signed"
			return r.Update(ctx, upd)
		},
		"EInvoices.List": func(ctx context.Context, r storage.EInvoices) error {
			_, err := r.List(ctx, "a", "", 10)
			return err
		},
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) {
			inner := memory.New()
			if op != "EInvoices.Create" { // the others read or update e
				require.NoError(t, inner.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					return tx.EInvoices().Create(ctx, e)
				}))
			}
			fs := faultstore.New(inner)
			fs.FailAt(2)
			err := fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				return call(ctx, tx.EInvoices())
			})
			require.ErrorIs(t, err, faultstore.ErrInjected)
			f, ok := fs.Injected()
			require.True(t, ok)
			assert.Equal(t, faultstore.Fault{Call: 2, Op: op, Nth: 1, Mode: faultstore.Fail}, f)

			require.NoError(t, fs.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
				return call(ctx, tx.EInvoices())
			}), "disarmed, the call goes through: the faulted one never reached the store")
		})
	}
}
