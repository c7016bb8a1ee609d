package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

func (s suite) testAudit(t *testing.T) {
	t.Run("append assigns increasing seq; list pages per account", func(t *testing.T) {
		st := s.newStore(t)
		var seqs []int64
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i := range 5 {
				for _, acct := range []string{"a", "b"} {
					r, err := tx.Audit().Append(ctx, storage.AuditRecord{
						AccountID: acct, Actor: "ops", Action: "account.type_changed",
						Detail: []byte(fmt.Sprintf(`{"i":%d}`, i)), At: epoch().Add(time.Duration(i) * time.Minute),
					})
					require.NoError(t, err)
					if acct == "a" {
						seqs = append(seqs, r.Seq)
					}
				}
			}
			return nil
		})
		for i := 1; i < len(seqs); i++ {
			assert.Greater(t, seqs[i], seqs[i-1])
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			page1, err := tx.Audit().List(ctx, "a", 0, 3)
			require.NoError(t, err)
			require.Len(t, page1, 3)
			page2, err := tx.Audit().List(ctx, "a", page1[2].Seq, 3)
			require.NoError(t, err)
			require.Len(t, page2, 2)
			for i, r := range append(page1, page2...) {
				assert.Equal(t, "a", r.AccountID, "scoped to the account")
				assert.JSONEq(t, fmt.Sprintf(`{"i":%d}`, i), string(r.Detail))
				assert.True(t, r.At.Equal(epoch().Add(time.Duration(i)*time.Minute)))
			}
			none, err := tx.Audit().List(ctx, "c", 0, 10)
			require.NoError(t, err)
			assert.Empty(t, none)
			_, err = tx.Audit().List(ctx, "a", 0, 0)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			_, err = tx.Audit().List(ctx, "a", 0, 1001)
			assert.ErrorIs(t, err, storage.ErrInvalidRecord)
			return nil
		})
	})

	t.Run("append rejects records without account or action", func(t *testing.T) {
		st := s.newStore(t)
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: "a", At: epoch()})
			return err
		})
		assert.ErrorIs(t, err, storage.ErrInvalidRecord)
	})
}
