package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/storage"
	"github.com/cloudbill/cloudbill/storage/postgres"
)

// connect parses -dsn and -schema and opens a pool; the caller closes it.
func connect(ctx context.Context, name string, args []string, getenv func(string) string) (*pgxpool.Pool, string, error) {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	dsn := fl.String("dsn", getenv("CLOUDBILL_POSTGRES_DSN"), "the database (default $CLOUDBILL_POSTGRES_DSN)")
	schema := fl.String("schema", postgres.DefaultSchema, "the store's schema")
	if err := fl.Parse(args); err != nil {
		return nil, "", err
	}
	if *dsn == "" {
		return nil, "", errors.New(name + " needs -dsn or CLOUDBILL_POSTGRES_DSN")
	}
	if err := postgres.ValidateSchema(*schema); err != nil {
		return nil, "", err
	}
	pool, err := pgxpool.New(ctx, *dsn)
	if err != nil {
		return nil, "", fmt.Errorf("connect: %w", err)
	}
	return pool, *schema, nil
}

// status prints the schema's version, the build's latest and what is
// pending.
func status(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	pool, schema, err := connect(ctx, "status", args, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	st, err := postgres.MigrationStatus(ctx, pool, schema)
	if err != nil {
		return err
	}
	return printStatus(out, schema, st)
}

// up applies what is pending and prints the status after.
func up(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	pool, schema, err := connect(ctx, "up", args, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool, schema); err != nil {
		return err
	}
	st, err := postgres.MigrationStatus(ctx, pool, schema)
	if err != nil {
		return err
	}
	return printStatus(out, schema, st)
}

// printStatus writes st as a few lines a person reads.
func printStatus(out io.Writer, schema string, st storage.MigrationStatus) error {
	state := "current"
	if !st.Current() {
		state = fmt.Sprintf("%d pending", len(st.Pending))
	}
	if _, err := fmt.Fprintf(out, "schema %s: version %d of %d, %s\n", schema, st.Version, st.Latest, state); err != nil {
		return err
	}
	for _, m := range st.Pending {
		if _, err := fmt.Fprintf(out, "pending %04d_%s\n", m.Version, m.Name); err != nil {
			return err
		}
	}
	for _, v := range st.Unknown {
		if _, err := fmt.Fprintf(out, "applied %04d, which this build does not ship\n", v); err != nil {
			return err
		}
	}
	return nil
}
