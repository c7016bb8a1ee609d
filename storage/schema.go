package storage

import "context"

// Migration names one schema migration a store ships.
type Migration struct {
	// Version is the migration's number, from 1 without gaps.
	Version int
	// Name is the rest of its file name ("foundation" for 0001).
	Name string
}

// MigrationStatus is where a store's schema stands against the migrations
// the running build ships.
type MigrationStatus struct {
	// Version is the newest version applied; 0 for an empty schema.
	Version int
	// Latest is the newest version this build ships.
	Latest int
	// Pending lists the shipped migrations not applied yet, oldest first.
	Pending []Migration
	// Unknown lists applied versions this build does not ship, when a
	// newer build migrated the schema; this build keeps working while
	// migrations stay additive.
	Unknown []int
}

// Current reports whether every migration the build ships is applied.
func (s MigrationStatus) Current() bool { return len(s.Pending) == 0 }

// MigrationReporter is implemented by a Store whose schema is versioned
// (storage/postgres): it says which migrations are applied. A readiness
// check finds it by type assertion; a store without a schema to migrate
// (storage/memory) does not implement it.
type MigrationReporter interface {
	// MigrationStatus reads the schema's applied versions; a schema not
	// created yet is version 0 with every migration pending.
	MigrationStatus(ctx context.Context) (MigrationStatus, error)
}
