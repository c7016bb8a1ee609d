package period_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

// newCal builds a calendar or stops the test.
func newCal(t testing.TB, zone string, basis period.Basis) period.Calendar {
	t.Helper()
	c, err := period.NewCalendar(zone, basis)
	require.NoError(t, err)
	return c
}

// at builds a local time in zone or stops the test. It uses time.Date, so
// only pass wall-clock times that exist exactly once.
func at(t testing.TB, zone string, y int, mo time.Month, d, h, mi int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	return time.Date(y, mo, d, h, mi, 0, 0, loc)
}

// span builds a span or stops the test.
func span(t testing.TB, start, end time.Time) period.Span {
	t.Helper()
	s, err := period.NewSpan(start, end)
	require.NoError(t, err)
	return s
}

// utc is a short constructor for UTC instants.
func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}
