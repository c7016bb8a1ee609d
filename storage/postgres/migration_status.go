package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/storage"
)

var _ storage.MigrationReporter = (*Store)(nil)

// Migrations lists the migrations this build ships, oldest first: the
// files of MigrationFiles.
func Migrations() ([]storage.Migration, error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, &MigrationError{Err: err}
	}
	out := make([]storage.Migration, len(ms))
	for i, m := range ms {
		out[i] = storage.Migration{Version: m.version, Name: m.name}
	}
	return out, nil
}

// MigrationStatus reads the versions recorded in the store's
// schema_migrations, whichever tool applied them (Migrate, or a deploy
// tool running MigrationFiles), and compares them with the migrations this
// build ships. A schema or table not created yet is version 0 with every
// migration pending. It only reads, takes no lock, and returns a
// *MigrationError when the database cannot be read.
func (s *Store) MigrationStatus(ctx context.Context) (storage.MigrationStatus, error) {
	return migrationStatus(ctx, s.pool, s.cfg.schema)
}

// MigrationStatus is Store.MigrationStatus for schema (empty means
// DefaultSchema) on a host's pool.
func MigrationStatus(ctx context.Context, pool *pgxpool.Pool, schema string) (storage.MigrationStatus, error) {
	if pool == nil {
		return storage.MigrationStatus{}, ErrNoPool
	}
	cfg, err := Options{Schema: schema}.resolve()
	if err != nil {
		return storage.MigrationStatus{}, err
	}
	return migrationStatus(ctx, pool, cfg.schema)
}

func migrationStatus(ctx context.Context, pool *pgxpool.Pool, schema string) (storage.MigrationStatus, error) {
	shipped, err := Migrations()
	if err != nil {
		return storage.MigrationStatus{}, err
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT pg_catalog.to_regclass($1) IS NOT NULL", newTables(schema).migrations).Scan(&exists); err != nil {
		return storage.MigrationStatus{}, &MigrationError{Err: fmt.Errorf("look up schema_migrations: %w", err)}
	}
	applied := map[int]bool{}
	if exists {
		rows, err := pool.Query(ctx, "SELECT version FROM "+newTables(schema).migrations)
		if err != nil {
			return storage.MigrationStatus{}, &MigrationError{Err: fmt.Errorf("read schema_migrations: %w", err)}
		}
		versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return storage.MigrationStatus{}, &MigrationError{Err: fmt.Errorf("read schema_migrations: %w", err)}
		}
		for _, v := range versions {
			applied[v] = true
		}
	}
	return statusOf(shipped, applied), nil
}

// statusOf compares the applied versions with the shipped migrations.
func statusOf(shipped []storage.Migration, applied map[int]bool) storage.MigrationStatus {
	st := storage.MigrationStatus{}
	known := make(map[int]bool, len(shipped))
	for _, m := range shipped {
		known[m.Version] = true
		st.Latest = max(st.Latest, m.Version)
		if !applied[m.Version] {
			st.Pending = append(st.Pending, m)
		}
	}
	for v := range applied {
		st.Version = max(st.Version, v)
		if !known[v] {
			st.Unknown = append(st.Unknown, v)
		}
	}
	slices.Sort(st.Unknown)
	return st
}
