package period_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

func TestTermValidate(t *testing.T) {
	tests := []struct {
		name   string
		term   period.Term
		reason string // "" means valid
	}{
		{"12 months is valid", period.Months(12), ""},
		{"60 days is valid", period.Days(60), ""},
		{"1 month 5 days is valid", period.Term{Months: 1, Days: 5}, ""},
		{"1200 months is the longest valid month count", period.Months(1200), ""},
		{"36500 days is the longest valid day count", period.Days(36500), ""},
		{"0 months 0 days is rejected as zero", period.Term{}, "term must not be zero"},
		{"-1 months is rejected", period.Months(-1), "months must be 0..1200"},
		{"-1 days is rejected", period.Days(-1), "days must be 0..36500"},
		{"1201 months is rejected", period.Months(1201), "months must be 0..1200"},
		{"36501 days is rejected", period.Days(36501), "days must be 0..36500"},
		{"12 months -5 days is rejected", period.Term{Months: 12, Days: -5}, "days must be 0..36500"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.term.Validate()
			if tc.reason == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, period.ErrInvalidTerm)
			var te *period.TermError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.term, te.Term)
			assert.Equal(t, tc.reason, te.Reason)
			assert.Contains(t, err.Error(), tc.reason)
		})
	}
}

func TestTermString(t *testing.T) {
	tests := []struct {
		term period.Term
		want string
	}{
		{period.Months(12), "12 months"},
		{period.Months(1), "1 month"},
		{period.Term{Months: 1, Days: 5}, "1 month 5 days"},
		{period.Term{Months: 3, Days: 1}, "3 months 1 day"},
		{period.Days(60), "60 days"},
		{period.Days(1), "1 day"},
		{period.Term{}, "0 days"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.term.String())
		})
	}
}

func TestStandardCycles(t *testing.T) {
	t.Run("cycles are 1, 3, 6, 12, 24 and 36 months", func(t *testing.T) {
		want := []period.Term{{Months: 1}, {Months: 3}, {Months: 6}, {Months: 12}, {Months: 24}, {Months: 36}}
		if diff := cmp.Diff(want, period.StandardCycles()); diff != "" {
			t.Fatalf("StandardCycles() mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("every cycle is valid", func(t *testing.T) {
		for _, c := range period.StandardCycles() {
			assert.NoError(t, c.Validate(), c.String())
		}
	})
	t.Run("changing a returned slice does not change the next one", func(t *testing.T) {
		first := period.StandardCycles()
		first[0] = period.Days(999)
		assert.Equal(t, period.Months(1), period.StandardCycles()[0])
	})
}

func TestParseTerm(t *testing.T) {
	good := []struct {
		in   string
		want period.Term
	}{
		{"12 months", period.Months(12)},
		{"1 month", period.Months(1)},
		{"60 days", period.Days(60)},
		{"1 day", period.Days(1)},
		{"1 month 5 days", period.Term{Months: 1, Days: 5}},
		{"36 months 1 day", period.Term{Months: 36, Days: 1}},
		{"1200 months 36500 days", period.Term{Months: 1200, Days: 36500}},
	}
	for _, tc := range good {
		t.Run("parses "+tc.in, func(t *testing.T) {
			got, err := period.ParseTerm(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	bad := []string{
		"", "12", "months", "12 month", "1 months", "1 days", "0 days", "0 months",
		"0 months 5 days", "5 days 1 month", "1 month 0 days", "012 months", "+12 months",
		"-1 months", "12  months", " 12 months", "12 months ", "12 Months", "12 weeks",
		"1 month 1 month", "2 days 3 days", "1201 months", "36501 days",
		"99999999999999999999 days", "1 month 5 days 6 hours", "1\tmonth",
	}
	for _, in := range bad {
		t.Run("rejects "+`"`+in+`"`, func(t *testing.T) {
			got, err := period.ParseTerm(in)
			require.ErrorIs(t, err, period.ErrInvalidTerm)
			var te *period.TermError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, in, te.Input)
			assert.Equal(t, period.Term{}, got)
		})
	}
	t.Run("an out-of-range term keeps the parsed value in the error", func(t *testing.T) {
		_, err := period.ParseTerm("1201 months")
		var te *period.TermError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, period.Months(1201), te.Term)
		assert.Equal(t, "months must be 0..1200", te.Reason)
	})
}

func FuzzParseTerm(f *testing.F) {
	for _, s := range []string{"12 months", "1 month 5 days", "60 days", "1 day", "0 days", "-1 months", "1 months", "012 days", "1 month 1 month"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		term, err := period.ParseTerm(s)
		if err != nil {
			if !errors.Is(err, period.ErrInvalidTerm) {
				t.Fatalf("ParseTerm(%q) error %v does not match ErrInvalidTerm", s, err)
			}
			return
		}
		if verr := term.Validate(); verr != nil {
			t.Fatalf("ParseTerm(%q) = %+v, which fails Validate: %v", s, term, verr)
		}
		if term.String() != s {
			t.Fatalf("ParseTerm(%q) = %+v, which prints as %q", s, term, term.String())
		}
	})
}
