package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// usageTotalWindows are periods around t0 (an hour's start) for Total:
// whole hours, partial first and last hours, less than an hour inside
// one, across one boundary, empty and reversed.
func usageTotalWindows(t0 time.Time) [][2]time.Time {
	h := func(x float64) time.Time { return t0.Add(time.Duration(x * float64(time.Hour))) }
	return [][2]time.Time{
		{h(0), h(3)}, {h(-1), h(5)}, {h(0.25), h(2.5)}, {h(0.5), h(0.75)}, {h(0.9), h(1.1)}, {h(1), h(2)},
		{h(1.5), h(1.5)}, {h(2), h(1)}, {h(0.999), h(3.001)}, {h(-10), h(10)},
	}
}

// requireTotalsMatchEvents checks Total, for every window, resource (and
// all) and metric (and all), against sum and count over usage_events.
func requireTotalsMatchEvents(t *testing.T, pool *pgxpool.Pool, schema string, st *postgres.Store, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	table := pgx.Identifier{schema, "usage_events"}.Sanitize()
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		totaler := tx.Usage().(storage.UsageTotaler)
		for _, w := range usageTotalWindows(t0) {
			for _, resource := range []string{"", "r1", "r2"} {
				for _, metric := range []string{"", "m", "n"} {
					q := storage.UsageQuery{AccountID: "acme", ResourceID: resource, Metric: metric, From: w[0], To: w[1]}
					sum, n, err := totaler.Total(ctx, q)
					require.NoError(t, err)
					var wantSum decimal.Decimal
					var wantN int
					require.NoError(t, pool.QueryRow(ctx, `SELECT coalesce(sum(quantity), 0), count(*) FROM `+table+`
						WHERE account_id = 'acme' AND ($1 = '' OR resource_id = $1) AND ($2 = '' OR metric = $2)
							AND at >= $3 AND at < $4`, resource, metric, w[0], w[1]).Scan(&wantSum, &wantN))
					assert.True(t, wantSum.Equal(sum), "%+v: sum %s, want %s", q, sum, wantSum)
					assert.Equal(t, wantN, n, "%+v: events", q)
				}
			}
		}
		return nil
	}))
}

// TestUsageTotalsFollowEveryWrite: Total reads whole hours from
// usage_totals and the rest from usage_events, and agrees with summing the
// events after batches by COPY and by the INSERT fallback (ids already
// stored), a rolled-back batch, and an operator's deletes and corrections
// in plain SQL (from a session whose zone is not a whole hour off UTC),
// for periods aligned to hours or not.
func TestUsageTotalsFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	// events of one batch: 3 hours, every 7 minutes, over two resources
	// and two metrics.
	batch := func(prefix string, from, to int) []storage.UsageEvent {
		var es []storage.UsageEvent
		for i := from; i < to; i++ {
			es = append(es, storage.UsageEvent{ID: fmt.Sprintf("%s-%03d", prefix, i), AccountID: "acme",
				ResourceID: []string{"r1", "r2"}[i%2], Metric: []string{"m", "n"}[i/2%2],
				Quantity: decimal.New(int64(i+1), -2), At: t0.Add(time.Duration(i*7) * time.Minute), RecordedAt: t0})
		}
		return es
	}
	insert := func(es []storage.UsageEvent) {
		t.Helper()
		require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
			_, err := tx.Usage().Insert(ctx, es)
			return err
		}))
	}
	insert(batch("a", 0, 20))                                 // COPY
	insert(append(batch("a", 10, 20), batch("a", 20, 30)...)) // 10 stored: the INSERT fallback adds 10
	err = st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := tx.Usage().Insert(ctx, batch("b", 0, 30)); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	require.Error(t, err)
	requireTotalsMatchEvents(t, pool, schema, st, t0)

	table := pgx.Identifier{schema, "usage_events"}.Sanitize()
	_, err = pool.Exec(ctx, `DELETE FROM `+table+` WHERE id IN ('a-003', 'a-012', 'a-025')`)
	require.NoError(t, err)
	// The correction comes from a session in a zone half an hour off UTC:
	// the totals stay per UTC hour.
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `SET TimeZone = 'Asia/Kolkata'; UPDATE `+table+`
		SET quantity = quantity * 3, at = at + interval '50 minutes' WHERE id IN ('a-004', 'a-017'); RESET TimeZone`)
	conn.Release()
	require.NoError(t, err)
	requireTotalsMatchEvents(t, pool, schema, st, t0)

	_, err = pool.Exec(ctx, `TRUNCATE `+table)
	require.NoError(t, err)
	insert(batch("c", 0, 5))
	requireTotalsMatchEvents(t, pool, schema, st, t0)
}

// TestMigrate0021TotalsStoredEvents: events stored before 0021 are in the
// totals it creates, and those stored after are added.
func TestMigrate0021TotalsStoredEvents(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	before := migrateBefore(t, pool, schema, 21)
	table := pgx.Identifier{schema, "usage_events"}.Sanitize()
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		_, err := pool.Exec(ctx, `INSERT INTO `+table+` (account_id, id, resource_id, metric, quantity, value, at, recorded_at)
			VALUES ('acme', $1, $2, 'm', $3, '', $4, $4)`, fmt.Sprintf("ev-%02d", i), []string{"r1", "r2"}[i%2],
			decimal.New(int64(i+1), -1), t0.Add(time.Duration(i*11)*time.Minute))
		require.NoError(t, err)
	}

	requireUpgrade(t, pool, schema, before)

	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	requireTotalsMatchEvents(t, pool, schema, st, t0)
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		_, err := tx.Usage().Insert(ctx, []storage.UsageEvent{{ID: "ev-new", AccountID: "acme", ResourceID: "r1", Metric: "m",
			Quantity: decimal.NewFromInt(9), At: t0.Add(90 * time.Minute), RecordedAt: t0}})
		return err
	}))
	requireTotalsMatchEvents(t, pool, schema, st, t0)
}
