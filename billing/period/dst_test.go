package period_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

// TestAddTermAcrossDST pins the wall-clock rule: a term ends at the same
// local time, Minutes is real elapsed time, gap times move forward by the
// gap, and repeated times mean their first occurrence.
func TestAddTermAcrossDST(t *testing.T) {
	tests := []struct {
		name    string
		zone    string
		basis   period.Basis
		start   string // RFC 3339; the offset picks the occurrence
		term    period.Term
		end     string // RFC 3339 in the calendar's zone
		minutes int64
	}{
		{"New York: 30 days over 2024-03-10 spring-forward is 43140 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-03-01T10:00:00-05:00", period.Days(30), "2024-03-31T10:00:00-04:00", 43140},
		{"New York: 1 thirty-day month over 2024-11-03 fall-back is 43260 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-10-15T10:00:00-04:00", period.Months(1), "2024-11-14T10:00:00-05:00", 43260},
		{"New York: calendar month 2024-02-10 to 2024-03-10 is 41700 minutes", "America/New_York", period.CalendarMonths,
			"2024-02-10T10:00:00-05:00", period.Months(1), "2024-03-10T10:00:00-04:00", 41700},
		{"New York: 1 day from 2024-03-09 02:30 ends 03:30 EDT after the gap, 1440 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-03-09T02:30:00-05:00", period.Days(1), "2024-03-10T03:30:00-04:00", 1440},
		{"New York: 1 day from 2024-11-02 01:30 ends at the first 01:30 (EDT), 1440 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-11-02T01:30:00-04:00", period.Days(1), "2024-11-03T01:30:00-04:00", 1440},
		{"New York: 1 day from the second 01:30 on 2024-11-03 ends 2024-11-04 01:30 EST, 1440 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-11-03T01:30:00-05:00", period.Days(1), "2024-11-04T01:30:00-05:00", 1440},
		{"New York: 1 day from midnight 2024-11-03 is 1500 minutes", "America/New_York", period.ThirtyDayMonths,
			"2024-11-03T00:00:00-04:00", period.Days(1), "2024-11-04T00:00:00-05:00", 1500},
		{"Berlin: 30 days over 2024-03-31 spring-forward is 43140 minutes", "Europe/Berlin", period.ThirtyDayMonths,
			"2024-03-15T12:00:00+01:00", period.Days(30), "2024-04-14T12:00:00+02:00", 43140},
		{"Berlin: 30 days over 2024-10-27 fall-back is 43260 minutes", "Europe/Berlin", period.ThirtyDayMonths,
			"2024-10-15T12:00:00+02:00", period.Days(30), "2024-11-14T12:00:00+01:00", 43260},
		{"Berlin: 1 day from 2024-03-30 02:30 ends 03:30 CEST after the gap", "Europe/Berlin", period.ThirtyDayMonths,
			"2024-03-30T02:30:00+01:00", period.Days(1), "2024-03-31T03:30:00+02:00", 1440},
		{"Berlin: 1 day from 2024-10-26 02:30 ends at the first 02:30 (CEST)", "Europe/Berlin", period.ThirtyDayMonths,
			"2024-10-26T02:30:00+02:00", period.Days(1), "2024-10-27T02:30:00+02:00", 1440},
		{"Lord Howe: 1 day into the 30-minute gap of 2024-10-06 ends 02:45 +11", "Australia/Lord_Howe", period.ThirtyDayMonths,
			"2024-10-05T02:15:00+10:30", period.Days(1), "2024-10-06T02:45:00+11:00", 1440},
		{"Lord Howe: 1 day into the repeated half hour of 2024-04-07 ends at the first 01:45 (+11)", "Australia/Lord_Howe", period.ThirtyDayMonths,
			"2024-04-06T01:45:00+11:00", period.Days(1), "2024-04-07T01:45:00+11:00", 1440},
		{"Apia: 1 day from 2011-12-29 lands on 2011-12-31 because 12-30 was skipped", "Pacific/Apia", period.ThirtyDayMonths,
			"2011-12-29T10:00:00-10:00", period.Days(1), "2011-12-31T10:00:00+14:00", 1440},
		{"Apia: 2 days from 2011-12-29 also ends 2011-12-31 10:00", "Pacific/Apia", period.ThirtyDayMonths,
			"2011-12-29T10:00:00-10:00", period.Days(2), "2011-12-31T10:00:00+14:00", 1440},
		{"Ho Chi Minh: 30 days is always 43200 minutes", "Asia/Ho_Chi_Minh", period.ThirtyDayMonths,
			"2024-03-01T10:00:00+07:00", period.Months(1), "2024-03-31T10:00:00+07:00", 43200},
		{"Ho Chi Minh: 12 thirty-day months from 2023-04-05 is 518400 minutes", "", period.ThirtyDayMonths,
			"2023-04-05T00:00:00+07:00", period.Months(12), "2024-03-30T00:00:00+07:00", 518400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCal(t, tc.zone, tc.basis)
			start, err := time.Parse(time.RFC3339, tc.start)
			require.NoError(t, err)
			end, err := c.AddTerm(start, tc.term)
			require.NoError(t, err)
			assert.Equal(t, tc.end, end.Format(time.RFC3339))
			assert.Equal(t, tc.minutes, span(t, start, end).Minutes())
		})
	}
}

// TestAddDaysZeroKeepsInstant checks that a zero move never swaps one
// occurrence of a repeated hour for the other.
func TestAddDaysZeroKeepsInstant(t *testing.T) {
	second, err := time.Parse(time.RFC3339, "2024-11-03T01:30:00-05:00")
	require.NoError(t, err)
	for _, basis := range []period.Basis{period.ThirtyDayMonths, period.CalendarMonths} {
		c := newCal(t, "America/New_York", basis)
		t.Run("0 days and 0 months keep the second 01:30 of 2024-11-03 under "+basis.String(), func(t *testing.T) {
			assert.True(t, second.Equal(c.AddDays(second, 0)))
			assert.True(t, second.Equal(c.AddMonths(second, 0)))
		})
	}
}

// TestStartOrderIsNotAlwaysEndOrder records two documented consequences of
// keeping the wall-clock time: a later start can end earlier.
func TestStartOrderIsNotAlwaysEndOrder(t *testing.T) {
	t.Run("calendar months: 2024-01-30 23:00 and 2024-01-31 01:00 both clamp to 2024-02-29, in start-time order reversed", func(t *testing.T) {
		c := newCal(t, "", period.CalendarMonths)
		early := at(t, period.DefaultTimeZone, 2024, 1, 30, 23, 0)
		late := at(t, period.DefaultTimeZone, 2024, 1, 31, 1, 0)
		e1, err := c.AddTerm(early, period.Months(1))
		require.NoError(t, err)
		e2, err := c.AddTerm(late, period.Months(1))
		require.NoError(t, err)
		assert.Equal(t, "2024-02-29T23:00:00+07:00", e1.Format(time.RFC3339))
		assert.Equal(t, "2024-02-29T01:00:00+07:00", e2.Format(time.RFC3339))
	})
	t.Run("New York: the first 01:50 on 2024-11-03 ends after the later-starting second 01:10", func(t *testing.T) {
		c := newCal(t, "America/New_York", period.ThirtyDayMonths)
		first, err := time.Parse(time.RFC3339, "2024-11-03T01:50:00-04:00")
		require.NoError(t, err)
		second, err := time.Parse(time.RFC3339, "2024-11-03T01:10:00-05:00")
		require.NoError(t, err)
		require.True(t, second.After(first))
		e1, err := c.AddTerm(first, period.Days(30))
		require.NoError(t, err)
		e2, err := c.AddTerm(second, period.Days(30))
		require.NoError(t, err)
		assert.Equal(t, "2024-12-03T01:50:00-05:00", e1.Format(time.RFC3339))
		assert.Equal(t, "2024-12-03T01:10:00-05:00", e2.Format(time.RFC3339))
	})
}
