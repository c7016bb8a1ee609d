package lifecycle_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

const (
	hcm = "Asia/Ho_Chi_Minh"
	nyc = "America/New_York"
)

// newCal builds a calendar or stops the test.
func newCal(t testing.TB, zone string, basis period.Basis) period.Calendar {
	t.Helper()
	c, err := period.NewCalendar(zone, basis)
	require.NoError(t, err)
	return c
}

// newRules builds rules of policy p in zone under basis, or stops the test.
func newRules(t testing.TB, p lifecycle.Policy, zone string, basis period.Basis) lifecycle.Rules {
	t.Helper()
	r, err := lifecycle.NewRules(p, newCal(t, zone, basis))
	require.NoError(t, err)
	return r
}

// at builds a local time in zone with time.Date, so only pass wall-clock
// times that exist exactly once.
func at(t testing.TB, zone string, y int, mo time.Month, d, h, mi int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	return time.Date(y, mo, d, h, mi, 0, 0, loc)
}

// days returns n whole 24-hour days; only for zones without DST.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// vnd builds an amount of VND or stops the test.
func vnd(t testing.TB, number string) money.Amount {
	t.Helper()
	a, err := money.New(number, "VND")
	require.NoError(t, err)
	return a
}

// localTimes formats instants as local wall-clock time with offset, so that
// failures read like a calendar.
func localTimes(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, x := range ts {
		out[i] = x.Format("2006-01-02 15:04 -0700")
	}
	return out
}

// instants returns the At of each piece of work.
func instants(ws []lifecycle.Work) []time.Time {
	out := make([]time.Time, len(ws))
	for i, w := range ws {
		out[i] = w.At
	}
	return out
}

// vndMinor returns n VND.
func vndMinor(n int64) (money.Amount, error) { return money.FromMinor(n, "VND") }

// isUnknown reports whether err matches sentinel and is an
// *UnknownNameError.
func isUnknown(err, sentinel error) bool {
	var ne *lifecycle.UnknownNameError
	return errors.Is(err, sentinel) && errors.As(err, &ne)
}
