// Command cloudbill-migrate prints Cloudbill's PostgreSQL migrations and
// says which of them a database has applied.
//
//	cloudbill-migrate sql [-version N]           print the migration files (all, or one)
//	cloudbill-migrate write -dir DIR             write the files into DIR for a deploy tool
//	cloudbill-migrate status [-dsn DSN] [-schema S]  print the schema's version and what is pending
//	cloudbill-migrate up [-dsn DSN] [-schema S]      apply what is pending (postgres.Migrate)
//
// The DSN defaults to $CLOUDBILL_POSTGRES_DSN and the schema to
// postgres.DefaultSchema. The files name no schema: a deploy tool runs
// them with the search_path set to the schema (goose: -dir DIR with
// search_path=S in the connection string, after CREATE SCHEMA S).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Getenv)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "cloudbill-migrate:", err)
		os.Exit(2)
	}
}

// usage is printed for a missing or unknown command.
const usage = `usage:
  cloudbill-migrate sql [-version N]
  cloudbill-migrate write -dir DIR
  cloudbill-migrate status [-dsn DSN] [-schema SCHEMA]
  cloudbill-migrate up [-dsn DSN] [-schema SCHEMA]`

// run carries out the command in args, printing to out; getenv reads the
// environment.
func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "sql":
		return printSQL(args[1:], out)
	case "write":
		return writeFiles(args[1:], out)
	case "status":
		return status(ctx, args[1:], out, getenv)
	case "up":
		return up(ctx, args[1:], out, getenv)
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}
