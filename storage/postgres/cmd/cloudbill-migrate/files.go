package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cloudbill/cloudbill/storage/postgres"
)

// printSQL prints every migration file, or only -version's, each under a
// comment naming it.
func printSQL(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("sql", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	version := fl.Int("version", 0, "print only this version")
	if err := fl.Parse(args); err != nil {
		return err
	}
	ms, err := postgres.Migrations()
	if err != nil {
		return err
	}
	found := false
	for _, m := range ms {
		if *version != 0 && m.Version != *version {
			continue
		}
		found = true
		name := fileName(m.Version, m.Name)
		body, err := fs.ReadFile(postgres.MigrationFiles(), name)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(out, "-- file: %s\n%s\n", name, body); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("no migration %d (this build ships 1 to %d)", *version, len(ms))
	}
	return nil
}

// writeFiles copies the migration files into -dir, which must exist;
// files already there with the same name are replaced.
func writeFiles(args []string, out io.Writer) error {
	fl := flag.NewFlagSet("write", flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	dir := fl.String("dir", "", "the directory to write the files into")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("write needs -dir")
	}
	ms, err := postgres.Migrations()
	if err != nil {
		return err
	}
	for _, m := range ms {
		name := fileName(m.Version, m.Name)
		body, err := fs.ReadFile(postgres.MigrationFiles(), name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(*dir, name), body, 0o644); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(out, "wrote %d migrations to %s\n", len(ms), *dir)
	return err
}

// fileName is the file of migration version v called name.
func fileName(v int, name string) string { return fmt.Sprintf("%04d_%s.sql", v, name) }
