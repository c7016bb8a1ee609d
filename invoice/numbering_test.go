package invoice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/invoice"
)

func TestSeriesFor(t *testing.T) {
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	tests := []struct {
		name string
		kind invoice.Kind
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"an invoice in March 2026 is in INV-2026", invoice.KindInvoice, t0, hcm, "INV-2026"},
		{"a credit note in March 2026 is in CN-2026", invoice.KindCreditNote, t0, hcm, "CN-2026"},
		{"2025-12-31 17:30 UTC is already 2026 in Ho Chi Minh City", invoice.KindInvoice,
			time.Date(2025, 12, 31, 17, 30, 0, 0, time.UTC), hcm, "INV-2026"},
		{"2026-01-01 03:00 UTC is still 2025 in New York", invoice.KindInvoice,
			time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC), ny, "INV-2025"},
		{"year 9 is padded to INV-0009", invoice.KindInvoice, time.Date(9, 6, 1, 0, 0, 0, 0, time.UTC), time.UTC, "INV-0009"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoice.SeriesFor(tt.kind, tt.t, tt.loc)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			require.NoError(t, invoice.CheckSeries(got))
		})
	}
	bad := []struct {
		name string
		kind invoice.Kind
		t    time.Time
		loc  *time.Location
	}{
		{"an unknown kind is refused", "receipt", t0, hcm},
		{"the zero time is refused", invoice.KindInvoice, time.Time{}, hcm},
		{"a nil zone is refused rather than guessed", invoice.KindInvoice, t0, nil},
		{"year 10000 is refused", invoice.KindInvoice, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := invoice.SeriesFor(tt.kind, tt.t, tt.loc)
			require.ErrorIs(t, err, invoice.ErrInvalidArgument)
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name   string
		series string
		n      int64
		want   string
	}{
		{"42 of INV-2026 is INV-2026-000042", "INV-2026", 42, "INV-2026-000042"},
		{"1 of CN-2026 is CN-2026-000001", "CN-2026", 1, "CN-2026-000001"},
		{"999,999 still fits six digits", "INV-2026", 999999, "INV-2026-999999"},
		{"1,234,567 widens to seven digits", "INV-2026", 1234567, "INV-2026-1234567"},
		{"the largest int64 is 19 digits", "INV", 9223372036854775807, "INV-9223372036854775807"},
		{"a one-letter series works", "A", 7, "A-000007"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := invoice.Format(tt.series, tt.n)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			series, n, err := invoice.ParseNumber(got)
			require.NoError(t, err)
			assert.Equal(t, tt.series, series)
			assert.Equal(t, tt.n, n)
		})
	}
	badSeries := []string{"", "inv-2026", "2026-INV", "-INV", "INV-", "INV--2026", "INV 2026", "INV_2026", "ÍNV", strings.Repeat("A", 33)}
	for _, s := range badSeries {
		t.Run("series "+s+" is refused", func(t *testing.T) {
			_, err := invoice.Format(s, 1)
			var se *invoice.SeriesError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, s, se.Series)
			require.ErrorIs(t, invoice.CheckSeries(s), invoice.ErrInvalidSeries)
		})
	}
	for _, n := range []int64{0, -1, -9223372036854775808} {
		_, err := invoice.Format("INV-2026", n)
		require.ErrorIs(t, err, invoice.ErrInvalidNumber, "number %d", n)
	}
	require.NoError(t, invoice.CheckSeries(strings.Repeat("A", 32)), "32 bytes is the limit")
}

func TestParseNumberRefusals(t *testing.T) {
	tests := []struct{ name, in, reason string }{
		{"empty text", "", "no '-'"},
		{"no dash", "INV2026000042", "no '-'"},
		{"five digits", "INV-2026-00042", "fewer than 6 digits"},
		{"a letter among the digits", "INV-2026-00004x", "not a digit"},
		{"a sign", "INV-2026-+00042", "not a digit"},
		{"seven digits with a leading zero", "INV-2026-0000042", "leading zeros"},
		{"number zero", "INV-2026-000000", "at least 1"},
		{"a number beyond int64", "INV-9223372036854775808", "beyond int64"},
		{"a lower-case series", "inv-2026-000042", "series does not start"},
		{"an empty series", "-000042", "series is empty"},
		{"a double dash", "INV--000042", "series ends with '-'"},
		{"trailing space", "INV-2026-000042 ", "not a digit"},
		{"text longer than 52 bytes", strings.Repeat("A", 40) + "-000000000001", "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			_, _, err := invoice.ParseNumber(tt.in)
			var ne *invoice.NumberError
			require.ErrorAs(t, err, &ne)
			require.ErrorIs(t, err, invoice.ErrInvalidNumber)
			assert.Equal(t, tt.in, ne.Input)
			assert.Contains(t, ne.Reason, tt.reason)
		})
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		series := rapid.StringMatching(`[A-Z][A-Z0-9]{0,5}(-[A-Z0-9]{1,6}){0,3}`).Draw(t, "series")
		n := rapid.Int64Range(1, 1<<63-1).Draw(t, "n")
		s, err := invoice.Format(series, n)
		if err != nil {
			t.Fatalf("Format(%q, %d): %v", series, n, err)
		}
		gotSeries, gotN, err := invoice.ParseNumber(s)
		if err != nil {
			t.Fatalf("ParseNumber(%q): %v", s, err)
		}
		if gotSeries != series || gotN != n {
			t.Fatalf("ParseNumber(%q) = %q, %d; want %q, %d", s, gotSeries, gotN, series, n)
		}
	})
}
