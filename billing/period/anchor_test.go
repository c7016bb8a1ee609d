package period_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

// renewChain buys first at start, then renews by each of terms, storing
// the anchor Renew returns as a host would, and returns every end in the
// calendar's zone as RFC 3339.
func renewChain(t *testing.T, c period.Calendar, start time.Time, first period.Term, terms ...period.Term) []string {
	t.Helper()
	r, err := c.Renew(start, start, first)
	require.NoError(t, err)
	ends := []string{r.Span.End.Format(time.RFC3339)}
	for _, term := range terms {
		next, err := c.Renew(r.Anchor, r.Span.End, term)
		require.NoError(t, err)
		require.True(t, next.Span.Start.Equal(r.Span.End), "a renewal starts at the current end")
		require.True(t, next.Span.End.After(r.Span.End), "ends strictly increase")
		ends = append(ends, next.Span.End.Format(time.RFC3339))
		r = next
	}
	return ends
}

func repeat(term period.Term, n int) []period.Term {
	out := make([]period.Term, n)
	for i := range out {
		out[i] = term
	}
	return out
}

func TestRenewKeepsTheBillingAnchor(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	month := period.Months(1)
	tests := []struct {
		name  string
		zone  string
		basis period.Basis
		start time.Time
		first period.Term
		terms []period.Term
		ends  []string
	}{
		{"bought on Jan 31 2028 for 1 month: Feb 29, then Mar 31, Apr 30, May 31, never the 29th",
			hcm, period.CalendarMonths, at(t, hcm, 2028, 1, 31, 9, 30), month, repeat(month, 4),
			[]string{"2028-02-29T09:30:00+07:00", "2028-03-31T09:30:00+07:00", "2028-04-30T09:30:00+07:00", "2028-05-31T09:30:00+07:00", "2028-06-30T09:30:00+07:00"}},
		{"bought on Jan 31 2027: Feb 28 in a common year, then Mar 31",
			hcm, period.CalendarMonths, at(t, hcm, 2027, 1, 31, 0, 0), month, repeat(month, 1),
			[]string{"2027-02-28T00:00:00+07:00", "2027-03-31T00:00:00+07:00"}},
		{"bought on Feb 29 2028: the 29th every month, Feb 28 2029, and the 29th again in March",
			hcm, period.CalendarMonths, at(t, hcm, 2028, 2, 29, 8, 0), period.Months(11), repeat(month, 2),
			[]string{"2029-01-29T08:00:00+07:00", "2029-02-28T08:00:00+07:00", "2029-03-29T08:00:00+07:00"}},
		{"bought on Jan 30 2027: Feb 28, then back to Mar 30, Apr 30",
			hcm, period.CalendarMonths, at(t, hcm, 2027, 1, 30, 12, 0), month, repeat(month, 2),
			[]string{"2027-02-28T12:00:00+07:00", "2027-03-30T12:00:00+07:00", "2027-04-30T12:00:00+07:00"}},
		{"mixed month terms from Aug 31: 1 month Sep 30, 3 months Dec 31, 2 months Feb 29 2028, 1 month Mar 31",
			hcm, period.CalendarMonths, at(t, hcm, 2027, 8, 31, 10, 0), month, []period.Term{period.Months(3), period.Months(2), month},
			[]string{"2027-09-30T10:00:00+07:00", "2027-12-31T10:00:00+07:00", "2028-02-29T10:00:00+07:00", "2028-03-31T10:00:00+07:00"}},
		{"Oct 31 + 1 month is Nov 30, never Dec 1, and the next renewal Dec 31",
			hcm, period.CalendarMonths, at(t, hcm, 2027, 10, 31, 10, 0), month, repeat(month, 1),
			[]string{"2027-11-30T10:00:00+07:00", "2027-12-31T10:00:00+07:00"}},
		{"30-day months: twelve 1-month renewals from 2023-04-05 end where one 12-month term does, 2024-03-30",
			hcm, period.ThirtyDayMonths, at(t, hcm, 2023, 4, 5, 0, 0), month, repeat(month, 11),
			[]string{"2023-05-05T00:00:00+07:00", "2023-06-04T00:00:00+07:00", "2023-07-04T00:00:00+07:00", "2023-08-03T00:00:00+07:00",
				"2023-09-02T00:00:00+07:00", "2023-10-02T00:00:00+07:00", "2023-11-01T00:00:00+07:00", "2023-12-01T00:00:00+07:00",
				"2023-12-31T00:00:00+07:00", "2024-01-30T00:00:00+07:00", "2024-02-29T00:00:00+07:00", "2024-03-30T00:00:00+07:00"}},
		{"New York 09:00 stays 09:00 across March and November: Jan 31, Feb 29, Mar 31 EDT, ..., Nov 30 EST",
			"America/New_York", period.CalendarMonths, at(t, "America/New_York", 2024, 1, 31, 9, 0), month, []period.Term{month, period.Months(7), month},
			[]string{"2024-02-29T09:00:00-05:00", "2024-03-31T09:00:00-04:00", "2024-10-31T09:00:00-04:00", "2024-11-30T09:00:00-05:00"}},
		{"New York 02:30 on the 10th: the boundary in the 2024-03-10 gap is 03:30 EDT, the next is 02:30 again",
			"America/New_York", period.CalendarMonths, at(t, "America/New_York", 2024, 1, 10, 2, 30), month, repeat(month, 2),
			[]string{"2024-02-10T02:30:00-05:00", "2024-03-10T03:30:00-04:00", "2024-04-10T02:30:00-04:00"}},
		{"New York 30-day months from 02:30 Feb 9: 03:30 EDT in the Mar 10 gap, then 02:30 on Apr 9",
			"America/New_York", period.ThirtyDayMonths, at(t, "America/New_York", 2024, 2, 9, 2, 30), month, repeat(month, 1),
			[]string{"2024-03-10T03:30:00-04:00", "2024-04-09T02:30:00-04:00"}},
		{"Berlin 02:30 on the 31st: Mar 31 2024 is in the gap (03:30 CEST), then Apr 30 and May 31 at 02:30",
			"Europe/Berlin", period.CalendarMonths, at(t, "Europe/Berlin", 2024, 1, 31, 2, 30), month, repeat(month, 3),
			[]string{"2024-02-29T02:30:00+01:00", "2024-03-31T03:30:00+02:00", "2024-04-30T02:30:00+02:00", "2024-05-31T02:30:00+02:00"}},
		{"Berlin 02:30 on the 27th: the repeated hour of 2024-10-27 means the first 02:30 (CEST), then Nov 27 CET",
			"Europe/Berlin", period.CalendarMonths, at(t, "Europe/Berlin", 2024, 7, 27, 2, 30), period.Months(3), repeat(month, 1),
			[]string{"2024-10-27T02:30:00+02:00", "2024-11-27T02:30:00+01:00"}},
		{"Berlin 30-day months across October: 12:00 stays 12:00",
			"Europe/Berlin", period.ThirtyDayMonths, at(t, "Europe/Berlin", 2024, 9, 30, 12, 0), month, repeat(month, 1),
			[]string{"2024-10-30T12:00:00+01:00", "2024-11-29T12:00:00+01:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCal(t, tt.zone, tt.basis)
			assert.Equal(t, tt.ends, renewChain(t, c, tt.start, tt.first, tt.terms...))
		})
	}
}

func TestRenewLeavesTheScheduleAfterDays(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	month := period.Months(1)
	tests := []struct {
		name  string
		basis period.Basis
		start time.Time
		first period.Term
		terms []period.Term
		ends  []string
	}{
		{"a days term extends from the end: Feb 29 + 5 days is Mar 5, and months then count from Mar 5",
			period.CalendarMonths, at(t, hcm, 2028, 1, 31, 9, 0), month, []period.Term{period.Days(5), month, month},
			[]string{"2028-02-29T09:00:00+07:00", "2028-03-05T09:00:00+07:00", "2028-04-05T09:00:00+07:00", "2028-05-05T09:00:00+07:00"}},
		{"a days term that lands on a boundary keeps the anchor: Feb 29 + 31 days is Mar 31, then Apr 30",
			period.CalendarMonths, at(t, hcm, 2028, 1, 31, 9, 0), month, []period.Term{period.Days(31), month},
			[]string{"2028-02-29T09:00:00+07:00", "2028-03-31T09:00:00+07:00", "2028-04-30T09:00:00+07:00"}},
		{"1 month 5 days from the anchor: months to Mar 31, days to Apr 5, then the schedule restarts on the 5th",
			period.CalendarMonths, at(t, hcm, 2028, 1, 31, 9, 0), month, []period.Term{{Months: 1, Days: 5}, month},
			[]string{"2028-02-29T09:00:00+07:00", "2028-04-05T09:00:00+07:00", "2028-05-05T09:00:00+07:00"}},
		{"a first term of 30 days on the 30-day basis is one block: renewals keep counting 30-day blocks",
			period.ThirtyDayMonths, at(t, hcm, 2024, 1, 31, 9, 0), period.Days(30), []period.Term{month, period.Days(60)},
			[]string{"2024-03-01T09:00:00+07:00", "2024-03-31T09:00:00+07:00", "2024-05-30T09:00:00+07:00"}},
		{"a first term with days on the 30-day basis restarts the blocks at its end",
			period.ThirtyDayMonths, at(t, hcm, 2024, 1, 31, 9, 0), period.Days(7), []period.Term{month},
			[]string{"2024-02-07T09:00:00+07:00", "2024-03-08T09:00:00+07:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCal(t, hcm, tt.basis)
			assert.Equal(t, tt.ends, renewChain(t, c, tt.start, tt.first, tt.terms...))
		})
	}
}

func TestRenewAnchorsAndErrors(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	c := newCal(t, hcm, period.CalendarMonths)
	jan31 := at(t, hcm, 2028, 1, 31, 9, 0)
	feb29 := at(t, hcm, 2028, 2, 29, 9, 0)

	t.Run("the anchor is kept while the end is on its schedule", func(t *testing.T) {
		r, err := c.Renew(jan31, feb29, period.Months(1))
		require.NoError(t, err)
		assert.True(t, r.Anchor.Equal(jan31))
		assert.Equal(t, "2028-03-31T09:00:00+07:00", r.Span.End.Format(time.RFC3339))
	})
	t.Run("a zero anchor means none was stored: the end is extended as by AddTerm", func(t *testing.T) {
		r, err := c.Renew(time.Time{}, feb29, period.Months(1))
		require.NoError(t, err)
		want, err := c.AddTerm(feb29, period.Months(1))
		require.NoError(t, err)
		assert.True(t, r.Span.End.Equal(want), "Mar 29, from Feb 29: %s", r.Span.End)
		assert.True(t, r.Anchor.Equal(feb29), "the schedule now starts on Feb 29")
	})
	t.Run("an end off the anchor's schedule restarts it at the end", func(t *testing.T) {
		mar15 := at(t, hcm, 2028, 3, 15, 9, 0) // e.g. after matching end times
		r, err := c.Renew(jan31, mar15, period.Months(1))
		require.NoError(t, err)
		assert.Equal(t, "2028-04-15T09:00:00+07:00", r.Span.End.Format(time.RFC3339))
		assert.True(t, r.Anchor.Equal(mar15))
	})
	t.Run("a different time of day is off the schedule", func(t *testing.T) {
		r, err := c.Renew(jan31, feb29.Add(time.Minute), period.Months(1))
		require.NoError(t, err)
		assert.Equal(t, "2028-03-29T09:01:00+07:00", r.Span.End.Format(time.RFC3339))
	})
	t.Run("an anchor after the end is refused", func(t *testing.T) {
		_, err := c.Renew(feb29, jan31, period.Months(1))
		require.ErrorIs(t, err, period.ErrInvalidAnchor)
		var ae *period.AnchorError
		require.True(t, errors.As(err, &ae))
		assert.Equal(t, "the anchor is after the current end", ae.Reason)
		assert.Equal(t, "period: invalid billing anchor 2028-02-29T02:00:00Z for end 2028-01-31T02:00:00Z: the anchor is after the current end", err.Error())
	})
	t.Run("a zero end is refused", func(t *testing.T) {
		_, err := c.Renew(jan31, time.Time{}, period.Months(1))
		require.ErrorIs(t, err, period.ErrInvalidAnchor)
	})
	t.Run("an invalid term is refused", func(t *testing.T) {
		_, err := c.Renew(jan31, feb29, period.Term{Months: -1})
		require.ErrorIs(t, err, period.ErrInvalidTerm)
	})
	t.Run("an end past MaxEnd is a range error", func(t *testing.T) {
		late := time.Date(9999, 1, 31, 0, 0, 0, 0, c.Location())
		_, err := c.Renew(jan31, late, period.Months(12))
		require.ErrorIs(t, err, period.ErrOutOfRange)
	})
}

func TestReanchorAfterMatchingEndTimes(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	c := newCal(t, hcm, period.CalendarMonths)
	jan31 := at(t, hcm, 2028, 1, 31, 9, 0)
	tests := []struct {
		name   string
		anchor time.Time
		end    time.Time
		want   time.Time
	}{
		{"matched to Apr 30 09:00, a boundary of Jan 31, keeps the anchor", jan31, at(t, hcm, 2028, 4, 30, 9, 0), jan31},
		{"matched to Apr 29 09:00 restarts the schedule there", jan31, at(t, hcm, 2028, 4, 29, 9, 0), at(t, hcm, 2028, 4, 29, 9, 0)},
		{"no stored anchor starts one at the end", time.Time{}, at(t, hcm, 2028, 4, 30, 9, 0), at(t, hcm, 2028, 4, 30, 9, 0)},
		{"an anchor after the end starts one at the end", at(t, hcm, 2028, 5, 1, 9, 0), at(t, hcm, 2028, 4, 30, 9, 0), at(t, hcm, 2028, 4, 30, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.True(t, c.Reanchor(tt.anchor, tt.end).Equal(tt.want))
		})
	}
}

func TestBoundaryIndex(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	cal := newCal(t, hcm, period.CalendarMonths)
	thirty := newCal(t, hcm, period.ThirtyDayMonths)
	jan31 := at(t, hcm, 2028, 1, 31, 9, 0)
	tests := []struct {
		name string
		c    period.Calendar
		at   time.Time
		k    int
		ok   bool
	}{
		{"the anchor is boundary 0", cal, jan31, 0, true},
		{"Feb 29 is boundary 1 of Jan 31", cal, at(t, hcm, 2028, 2, 29, 9, 0), 1, true},
		{"Feb 28 is not a boundary of Jan 31 in a leap year", cal, at(t, hcm, 2028, 2, 28, 9, 0), 0, false},
		{"Jan 31 2031 is boundary 36", cal, at(t, hcm, 2031, 1, 31, 9, 0), 36, true},
		{"before the anchor is never a boundary", cal, at(t, hcm, 2027, 12, 31, 9, 0), 0, false},
		{"30-day basis: Mar 31 is block 2 of Jan 31 2028", thirty, at(t, hcm, 2028, 3, 31, 9, 0), 2, true},
		{"30-day basis: Feb 29 is not a block boundary", thirty, at(t, hcm, 2028, 2, 29, 9, 0), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, ok := tt.c.BoundaryIndex(jan31, tt.at)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.k, k)
		})
	}
}

func TestRenewToleratesStoragePrecision(t *testing.T) {
	// An anchor kept with nanoseconds (JSON) and an end kept with
	// microseconds (PostgreSQL) or whole seconds still match, so the anchor
	// day survives a round trip through storage.
	const hcm = "Asia/Ho_Chi_Minh"
	c := newCal(t, hcm, period.CalendarMonths)
	anchor := time.Date(2028, 1, 31, 9, 30, 15, 123_456_789, c.Location())
	r, err := c.Renew(anchor, anchor, period.Months(1))
	require.NoError(t, err)
	for _, precision := range []time.Duration{time.Microsecond, time.Second} {
		stored := r.Span.End.Truncate(precision)
		k, ok := c.BoundaryIndex(anchor, stored)
		require.True(t, ok, "end stored to %s", precision)
		assert.Equal(t, 1, k)
		next, err := c.Renew(anchor, stored, period.Months(1))
		require.NoError(t, err)
		assert.True(t, next.Anchor.Equal(anchor))
		assert.Equal(t, "2028-03-31T09:30:15.123456789+07:00", next.Span.End.Format(time.RFC3339Nano))
	}
	_, ok := c.BoundaryIndex(anchor, r.Span.End.Add(time.Second))
	assert.False(t, ok, "a second off is another instant")
}
