package storagetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// testAccountTaxTreatment: an account's tax treatment is stored as given
// (none chosen reads back empty), changed and cleared by Update, and an
// undeclared one is refused with ErrInvalidRecord on Create and Update,
// nothing changed.
func (s suite) testAccountTaxTreatment(t *testing.T) {
	t.Run("a tax treatment is set, changed and cleared by Update", func(t *testing.T) {
		st := s.newStore(t)
		want := newAccount("vat")
		want.TaxTreatment = invoice.TaxExempt
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, want) })
		for i, tt := range []invoice.TaxTreatment{invoice.TaxExempt, invoice.TaxZeroRated, invoice.TaxNotDeclared, invoice.TaxStandard, ""} {
			if i > 0 {
				inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
					a, err := tx.Accounts().GetForUpdate(ctx, "vat")
					require.NoError(t, err)
					a.TaxTreatment = tt
					_, err = tx.Accounts().Update(ctx, a)
					return err
				})
			}
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				a, err := tx.Accounts().Get(ctx, "vat")
				require.NoError(t, err)
				assert.Equal(t, tt, a.TaxTreatment)
				many, err := tx.Accounts().GetManyForUpdate(ctx, []string{"vat"})
				require.NoError(t, err)
				assert.Equal(t, tt, many[0].TaxTreatment)
				return nil
			})
		}
	})

	t.Run("an account without a treatment reads back without one", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("plain")) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().Get(ctx, "plain")
			require.NoError(t, err)
			assert.Equal(t, invoice.TaxTreatment(""), a.TaxTreatment)
			return nil
		})
	})

	t.Run("an undeclared treatment is refused and changes nothing", func(t *testing.T) {
		st := s.newStore(t)
		for _, bad := range []invoice.TaxTreatment{"reverse_charge", "Exempt", "KCT", " exempt"} {
			a := newAccount("bad")
			a.TaxTreatment = bad
			err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, a) })
			assert.ErrorIs(t, err, storage.ErrInvalidRecord, "create with %q", bad)
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.Accounts().Create(ctx, newAccount("ok")) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().GetForUpdate(ctx, "ok")
			require.NoError(t, err)
			a.TaxTreatment = "0%"
			_, err = tx.Accounts().Update(ctx, a)
			return err
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			a, err := tx.Accounts().Get(ctx, "ok")
			require.NoError(t, err)
			assert.Equal(t, invoice.TaxTreatment(""), a.TaxTreatment)
			assert.Equal(t, int64(1), a.Version)
			return nil
		})
	})
}
