package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestUsageInsertFallbackKeepsTxUsable drives both paths of Usage.Insert in
// one transaction, also inside a caller's savepoint: a batch of new ids
// (COPY), a batch mixing stored and new ids (the COPY fails, is rolled back
// to its savepoint and the INSERT … ON CONFLICT reports each row), then new
// ids again; the transaction commits with every id stored once.
func TestUsageInsertFallbackKeepsTxUsable(t *testing.T) {
	st := pgtest.NewStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	events := func(from, to int) []storage.UsageEvent {
		var es []storage.UsageEvent
		for i := from; i < to; i++ {
			es = append(es, storage.UsageEvent{ID: fmt.Sprintf("ev-%03d", i), AccountID: "acme", ResourceID: "r1",
				Metric: "m", Quantity: decimal.New(int64(i), -2), At: at.Add(time.Duration(i) * time.Second), RecordedAt: at})
		}
		return es
	}
	want := func(n, stored int) []bool {
		w := make([]bool, n)
		for i := stored; i < n; i++ {
			w[i] = true
		}
		return w
	}
	err := st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.Usage().Insert(ctx, events(0, 10))
		require.NoError(t, err)
		require.Equal(t, want(10, 0), got)
		got, err = tx.Usage().Insert(ctx, events(5, 15)) // 5–9 stored
		require.NoError(t, err)
		require.Equal(t, want(10, 5), got)
		require.NoError(t, tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.Usage().Insert(ctx, append(events(14, 20), events(19, 20)...)) // 14 stored, 19 twice
			require.NoError(t, err)
			require.Equal(t, []bool{false, true, true, true, true, true, false}, got)
			return nil
		}))
		got, err = tx.Usage().Insert(ctx, events(20, 25))
		require.NoError(t, err)
		require.Equal(t, want(5, 0), got)
		return nil
	})
	require.NoError(t, err)
	err = st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		page, err := tx.Usage().List(ctx, storage.UsageQuery{AccountID: "acme", From: at, To: at.Add(time.Hour), Limit: 100})
		require.NoError(t, err)
		require.Len(t, page, 25)
		for i, e := range page {
			require.Equal(t, fmt.Sprintf("ev-%03d", i), e.ID)
			require.True(t, e.Quantity.Equal(decimal.New(int64(i), -2)), "quantity of %s: %s", e.ID, e.Quantity)
		}
		return nil
	})
	require.NoError(t, err)
}
