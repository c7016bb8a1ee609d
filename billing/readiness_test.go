package billing_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/memory"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestCheckReportsTheOutboxAge: an empty System is ready with nothing
// undelivered; after a top-up at 09:00 and a purchase its 4 events wait,
// and at 10:30 the oldest has waited 90 minutes; once delivered, none
// waits and the age is 0 again.
func TestCheckReportsTheOutboxAge(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(*testing.T) storage.Store) {
		st := newStore(t)
		e := newEnvWith(t, st, func(c *billing.Config) {
			c.Catalog = taxFree(t)
			c.EventHandler = func(context.Context, billing.Event) error { return nil }
		})
		ctx := context.Background()
		r, err := e.sys.Check(ctx)
		require.NoError(t, err)
		assert.True(t, r.Ready())
		assert.True(t, r.StoreReachable)
		assert.True(t, r.OutboxMeasured)
		assert.Equal(t, int64(0), r.UndeliveredEvents)
		assert.Equal(t, time.Duration(0), r.OldestUndeliveredAge)
		assert.Equal(t, e.clk.Now(), r.CheckedAt)
		if _, ok := st.(*postgres.Store); ok {
			require.NotNil(t, r.Migrations)
			assert.Equal(t, 21, r.Migrations.Version)
		} else {
			assert.Nil(t, r.Migrations, "the memory store has no schema")
		}
		assert.True(t, r.MigrationsCurrent)

		e.fund(t, "acme", 181_000)
		e.buy(t, "acme", small, period.Days(30))
		e.clk.Set(start.Add(90 * time.Minute))
		r, err = e.sys.Check(ctx)
		require.NoError(t, err, "a backlog is no reason to stop serving")
		assert.Equal(t, int64(4), r.UndeliveredEvents, "two payments, the provision and the invoice")
		assert.Equal(t, 90*time.Minute, r.OldestUndeliveredAge, "the top-up's event, appended at 09:00")

		n, err := e.sys.DeliverEvents(ctx, 1000)
		require.NoError(t, err)
		require.Equal(t, 4, n)
		r, err = e.sys.Check(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(0), r.UndeliveredEvents)
		assert.Equal(t, time.Duration(0), r.OldestUndeliveredAge)
	})
}

// TestCheckIsNotReadyWithPendingMigrations: a PostgreSQL schema an older
// build left at version 18 is reachable but not ready (two migrations
// pending) until Migrate runs.
func TestCheckIsNotReadyWithPendingMigrations(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	_, err = pool.Exec(ctx, "DELETE FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" WHERE version > 18")
	require.NoError(t, err)
	e := newEnv(t, st)

	r, err := e.sys.Check(ctx)
	require.ErrorIs(t, err, billing.ErrNotReady)
	assert.ErrorContains(t, err, "schema at version 18, 3 migrations pending (latest 21)")
	assert.True(t, r.StoreReachable)
	assert.False(t, r.MigrationsCurrent)
	assert.False(t, r.Ready())
	require.NotNil(t, r.Migrations)
	assert.Equal(t, []storage.Migration{{Version: 19, Name: "credit_reason"}, {Version: 20, Name: "gateway_refunds"}, {Version: 21, Name: "usage_totals"}}, r.Migrations.Pending)
}

// TestCheckIsNotReadyWhenTheStoreIsUnreachable: a store whose
// transactions fail makes Check say so, with the cause.
func TestCheckIsNotReadyWhenTheStoreIsUnreachable(t *testing.T) {
	down := &unreachableStore{Store: memory.New()}
	e := newEnv(t, down)
	down.set(true)
	r, err := e.sys.Check(context.Background())
	require.ErrorIs(t, err, billing.ErrNotReady)
	assert.ErrorIs(t, err, errUnreachable)
	assert.False(t, r.StoreReachable)
	assert.False(t, r.Ready())
	assert.Contains(t, r.StoreError, errUnreachable.Error())
}
