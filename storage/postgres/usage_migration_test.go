package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestMigrate0010KeepsUsageEvents starts from the schema version before
// 0010 holding 30 usage events written with plain SQL — ten instants with
// three events each, so that the listing's last key, the id, decides the
// order within an instant — and checks that after Migrate every event is
// still there, the listing index is (account_id, resource_id, at), a
// listing in pages of 4 gives back all 30 in (resource, at, id) order, and
// an id stored before the upgrade is still claimed.
func TestMigrate0010KeepsUsageEvents(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	before := migrateBefore(t, pool, schema, 10)
	table := pgx.Identifier{schema, "usage_events"}.Sanitize()
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var want []string
	for i := range 10 {
		for _, suffix := range []string{"c", "a", "b"} {
			id := fmt.Sprintf("ev-%02d-%s", i, suffix)
			_, err := pool.Exec(ctx, `INSERT INTO `+table+` (account_id, id, resource_id, metric, quantity, value, at, recorded_at)
				VALUES ('acme', $1, 'res-1', 'snapshot.gb_hours', 1.5, '', $2, $2)`, id, t0.Add(time.Duration(i)*time.Minute))
			require.NoError(t, err)
		}
		for _, suffix := range []string{"a", "b", "c"} {
			want = append(want, fmt.Sprintf("ev-%02d-%s", i, suffix))
		}
	}

	requireUpgrade(t, pool, schema, before)

	var def string
	require.NoError(t, pool.QueryRow(ctx, `SELECT pg_get_indexdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = $1 AND c.relname = 'usage_events_account_resource_at'`, schema).Scan(&def))
	assert.Contains(t, def, "(account_id, resource_id, at)")

	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	var got []string
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		q := storage.UsageQuery{AccountID: "acme", ResourceID: "res-1", From: t0, To: t0.Add(time.Hour), Limit: 4}
		for {
			page, err := tx.Usage().List(ctx, q)
			if err != nil {
				return err
			}
			for _, e := range page {
				got = append(got, e.ID)
				assert.True(t, decimal.RequireFromString("1.5").Equal(e.Quantity), "quantity of %s", e.ID)
			}
			if len(page) < q.Limit {
				return nil
			}
			q.After = page[len(page)-1].Cursor()
		}
	}))
	assert.Equal(t, want, got, "all 30 events, in (resource, at, id) order across pages of 4")
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		inserted, err := tx.Usage().Insert(ctx, []storage.UsageEvent{
			{ID: "ev-03-b", AccountID: "acme", ResourceID: "res-1", Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(9), At: t0, RecordedAt: t0},
			{ID: "ev-new", AccountID: "acme", ResourceID: "res-1", Metric: "snapshot.gb_hours", Quantity: decimal.NewFromInt(9), At: t0, RecordedAt: t0},
		})
		require.NoError(t, err)
		assert.Equal(t, []bool{false, true}, inserted, "an id stored before the upgrade is still claimed")
		return nil
	}))
}
