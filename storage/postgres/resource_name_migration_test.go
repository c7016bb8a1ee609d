package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
	"github.com/cloudbill/cloudbill/storage/postgres/pgtest"
)

// TestMigrate0014ResourceNameOldRows stores a resource, takes the schema
// back to before 0014 (the name column dropped, the version forgotten) and
// migrates again: the row written before the column existed reads with an
// empty name, and a name written afterwards round-trips.
func TestMigrate0014ResourceNameOldRows(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	schema := pgtest.NewSchema(t, pool)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))
	st, err := postgres.New(pool, postgres.Options{Schema: schema})
	require.NoError(t, err)
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	res := storage.Resource{ID: "r1", AccountID: "acme", OrderID: "o1", ProductID: "vserver", Status: "active",
		PeriodStart: t0, PeriodEnd: t0.AddDate(0, 1, 0), CreatedAt: t0, UpdatedAt: t0,
		ResourceDetail: storage.ResourceDetail{Configuration: pricing.Configuration{Plan: "s2"}}}
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error { return tx.Resources().Create(ctx, res) }))

	q := pgx.Identifier{schema}.Sanitize()
	_, err = pool.Exec(ctx, `ALTER TABLE `+q+`.resources DROP COLUMN name; DELETE FROM `+q+`.schema_migrations WHERE version = 14`)
	require.NoError(t, err)
	require.NoError(t, postgres.Migrate(ctx, pool, schema))

	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.Resources().Get(ctx, "acme", "r1")
		require.NoError(t, err)
		require.Equal(t, "", got.Name, "a row from before 0014 has no name")
		got.Name = "db"
		_, err = tx.Resources().Update(ctx, got)
		return err
	}))
	require.NoError(t, st.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		got, err := tx.Resources().Get(ctx, "acme", "r1")
		require.NoError(t, err)
		require.Equal(t, "db", got.Name)
		return nil
	}))
}
