package postgres_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage/postgres"
)

func TestValidateSchema(t *testing.T) {
	for _, tc := range []struct {
		name   string
		schema string
		ok     bool
	}{
		{"the default cloudbill is accepted", "cloudbill", true},
		{"public is accepted", "public", true},
		{"a leading underscore is accepted", "_billing_2026", true},
		{"63 bytes is accepted", strings.Repeat("a", 63), true},
		{"64 bytes is rejected: the server would truncate it", strings.Repeat("a", 64), false},
		{"an empty name is rejected", "", false},
		{"upper case Billing is rejected", "Billing", false},
		{"a leading digit 1billing is rejected", "1billing", false},
		{"a hyphen in billing-eu is rejected", "billing-eu", false},
		{"a space is rejected", "billing eu", false},
		{"a quote is rejected", `billing"; DROP SCHEMA public; --`, false},
		{"a dollar sign is rejected", "billing$", false},
		{"non-ASCII é is rejected", "facturé", false},
		{"the pg_ prefix is rejected", "pg_billing", false},
		{"information_schema is rejected", "information_schema", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := postgres.ValidateSchema(tc.schema)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			var nameErr *postgres.SchemaNameError
			require.ErrorAs(t, err, &nameErr)
			assert.Equal(t, tc.schema, nameErr.Name)
			assert.NotEmpty(t, nameErr.Reason)
		})
	}
}

// schemaRule is the documented rule, written independently of the
// implementation as the fuzz oracle.
var schemaRule = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func FuzzValidateSchema(f *testing.F) {
	for _, s := range []string{"cloudbill", "", "pg_x", "Pg_x", "a-b", "information_schema", "_", "9", strings.Repeat("z", 64), "\x00", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := postgres.ValidateSchema(name)
		want := schemaRule.MatchString(name) && !strings.HasPrefix(name, "pg_") && name != "information_schema"
		if want != (err == nil) {
			t.Fatalf("ValidateSchema(%q) = %v, rule says valid=%v", name, err, want)
		}
		if err == nil {
			// Accepted names need no quoting tricks: the quoted form is the
			// name between double quotes.
			quoted := pgx.Identifier{name}.Sanitize()
			if quoted != `"`+name+`"` {
				t.Fatalf("accepted %q sanitizes to %s", name, quoted)
			}
			return
		}
		var nameErr *postgres.SchemaNameError
		if !errors.As(err, &nameErr) || nameErr.Name != name {
			t.Fatalf("ValidateSchema(%q) returned %T %v, want *SchemaNameError for the name", name, err, err)
		}
	})
}

func ExampleValidateSchema() {
	for _, name := range []string{"billing_eu", "Billing-EU"} {
		err := postgres.ValidateSchema(name)
		var nameErr *postgres.SchemaNameError
		if errors.As(err, &nameErr) {
			fmt.Println("rejected:", nameErr.Reason)
			continue
		}
		fmt.Println("accepted:", name)
	}
	// Output:
	// accepted: billing_eu
	// rejected: byte 0 ('B') is not a lower-case letter, digit or underscore
}
