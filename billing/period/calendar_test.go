package period_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

func TestNewCalendar(t *testing.T) {
	t.Run("empty zone means Asia/Ho_Chi_Minh", func(t *testing.T) {
		c := newCal(t, "", period.ThirtyDayMonths)
		assert.Equal(t, "Asia/Ho_Chi_Minh", c.Location().String())
		assert.Equal(t, period.ThirtyDayMonths, c.Basis())
	})
	t.Run("named zone and calendar basis are kept", func(t *testing.T) {
		c := newCal(t, "Europe/Berlin", period.CalendarMonths)
		assert.Equal(t, "Europe/Berlin", c.Location().String())
		assert.Equal(t, period.CalendarMonths, c.Basis())
	})
	t.Run("UTC is accepted", func(t *testing.T) {
		assert.Equal(t, time.UTC.String(), newCal(t, "UTC", period.ThirtyDayMonths).Location().String())
	})
	for _, zone := range []string{"Mars/Olympus_Mons", "asia/ho_chi_minh_city", "../../etc/passwd", "Local"} {
		t.Run("zone "+zone+" is rejected as unknown", func(t *testing.T) {
			_, err := period.NewCalendar(zone, period.ThirtyDayMonths)
			require.ErrorIs(t, err, period.ErrUnknownZone)
			var ze *period.ZoneError
			require.ErrorAs(t, err, &ze)
			assert.Equal(t, zone, ze.Zone)
			assert.Contains(t, err.Error(), zone)
		})
	}
	for _, b := range []period.Basis{-1, 2, 99} {
		t.Run("basis "+b.String()+" is rejected", func(t *testing.T) {
			_, err := period.NewCalendar("UTC", b)
			require.ErrorIs(t, err, period.ErrUnknownBasis)
		})
	}
	t.Run("zero Calendar is UTC with 30-day months", func(t *testing.T) {
		var c period.Calendar
		assert.Equal(t, time.UTC, c.Location())
		assert.Equal(t, period.ThirtyDayMonths, c.Basis())
		end, err := c.AddTerm(utc(2024, 1, 31, 0, 0, 0, 0), period.Months(1))
		require.NoError(t, err)
		assert.Equal(t, utc(2024, 3, 1, 0, 0, 0, 0), end)
	})
}

func TestBasisString(t *testing.T) {
	assert.Equal(t, "30-day months", period.ThirtyDayMonths.String())
	assert.Equal(t, "calendar months", period.CalendarMonths.String())
	assert.Equal(t, "Basis(7)", period.Basis(7).String())
}

// termCase is one AddTerm rule: start and expected end are wall-clock times
// in zone.
type termCase struct {
	name  string
	zone  string
	basis period.Basis
	start [5]int // year, month, day, hour, minute
	term  period.Term
	end   [5]int
}

func (tc termCase) run(t *testing.T) {
	c := newCal(t, tc.zone, tc.basis)
	start := at(t, tc.zone, tc.start[0], time.Month(tc.start[1]), tc.start[2], tc.start[3], tc.start[4])
	want := at(t, tc.zone, tc.end[0], time.Month(tc.end[1]), tc.end[2], tc.end[3], tc.end[4])
	got, err := c.AddTerm(start, tc.term)
	require.NoError(t, err)
	assert.True(t, want.Equal(got), "want %s, got %s", want, got)
	assert.Equal(t, c.Location(), got.Location(), "result is expressed in the calendar's zone")
}

func TestAddTermThirtyDayMonths(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	tests := []termCase{
		{"12 months from 2023-04-05 ends 2024-03-30", hcm, period.ThirtyDayMonths, [5]int{2023, 4, 5, 0, 0}, period.Months(12), [5]int{2024, 3, 30, 0, 0}},
		{"1 month from 2024-01-31 ends 2024-03-01", hcm, period.ThirtyDayMonths, [5]int{2024, 1, 31, 9, 15}, period.Months(1), [5]int{2024, 3, 1, 9, 15}},
		{"1 month from 2023-01-31 ends 2023-03-02", hcm, period.ThirtyDayMonths, [5]int{2023, 1, 31, 9, 15}, period.Months(1), [5]int{2023, 3, 2, 9, 15}},
		{"3 months from 2024-01-01 ends 2024-03-31", hcm, period.ThirtyDayMonths, [5]int{2024, 1, 1, 0, 0}, period.Months(3), [5]int{2024, 3, 31, 0, 0}},
		{"6 months from 2024-01-01 ends 2024-06-29", hcm, period.ThirtyDayMonths, [5]int{2024, 1, 1, 0, 0}, period.Months(6), [5]int{2024, 6, 29, 0, 0}},
		{"24 months from 2024-01-01 ends 2025-12-21", hcm, period.ThirtyDayMonths, [5]int{2024, 1, 1, 0, 0}, period.Months(24), [5]int{2025, 12, 21, 0, 0}},
		{"36 months from 2024-01-01 ends 2026-12-16", hcm, period.ThirtyDayMonths, [5]int{2024, 1, 1, 0, 0}, period.Months(36), [5]int{2026, 12, 16, 0, 0}},
		{"60 days from 2024-02-01 ends 2024-04-01", hcm, period.ThirtyDayMonths, [5]int{2024, 2, 1, 12, 0}, period.Days(60), [5]int{2024, 4, 1, 12, 0}},
		{"1 month 5 days from 2024-12-20 ends 2025-01-24", hcm, period.ThirtyDayMonths, [5]int{2024, 12, 20, 23, 59}, period.Term{Months: 1, Days: 5}, [5]int{2025, 1, 24, 23, 59}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestAddTermCalendarMonths(t *testing.T) {
	const hcm = "Asia/Ho_Chi_Minh"
	tests := []termCase{
		{"12 months from 2023-04-05 ends 2024-04-05", hcm, period.CalendarMonths, [5]int{2023, 4, 5, 0, 0}, period.Months(12), [5]int{2024, 4, 5, 0, 0}},
		{"1 month from 2024-01-31 ends 2024-02-29 (leap)", hcm, period.CalendarMonths, [5]int{2024, 1, 31, 10, 0}, period.Months(1), [5]int{2024, 2, 29, 10, 0}},
		{"1 month from 2023-01-31 ends 2023-02-28", hcm, period.CalendarMonths, [5]int{2023, 1, 31, 10, 0}, period.Months(1), [5]int{2023, 2, 28, 10, 0}},
		{"2 months from 2024-01-31 ends 2024-03-31, not 03-29", hcm, period.CalendarMonths, [5]int{2024, 1, 31, 10, 0}, period.Months(2), [5]int{2024, 3, 31, 10, 0}},
		{"3 months from 2024-01-31 ends 2024-04-30", hcm, period.CalendarMonths, [5]int{2024, 1, 31, 10, 0}, period.Months(3), [5]int{2024, 4, 30, 10, 0}},
		{"1 month from 2024-10-31 ends 2024-11-30, not 12-01", hcm, period.CalendarMonths, [5]int{2024, 10, 31, 8, 0}, period.Months(1), [5]int{2024, 11, 30, 8, 0}},
		{"1 month from 2024-12-31 ends 2025-01-31", hcm, period.CalendarMonths, [5]int{2024, 12, 31, 8, 0}, period.Months(1), [5]int{2025, 1, 31, 8, 0}},
		{"12 months from 2024-02-29 ends 2025-02-28", hcm, period.CalendarMonths, [5]int{2024, 2, 29, 0, 0}, period.Months(12), [5]int{2025, 2, 28, 0, 0}},
		{"48 months from 2024-02-29 ends 2028-02-29", hcm, period.CalendarMonths, [5]int{2024, 2, 29, 0, 0}, period.Months(48), [5]int{2028, 2, 29, 0, 0}},
		{"1 month 5 days from 2024-01-31 ends 2024-03-05", hcm, period.CalendarMonths, [5]int{2024, 1, 31, 0, 0}, period.Term{Months: 1, Days: 5}, [5]int{2024, 3, 5, 0, 0}},
		{"60 days from 2024-02-01 ends 2024-04-01", hcm, period.CalendarMonths, [5]int{2024, 2, 1, 0, 0}, period.Days(60), [5]int{2024, 4, 1, 0, 0}},
		{"1200 months from 2024-01-31 ends 2124-01-31", "UTC", period.CalendarMonths, [5]int{2024, 1, 31, 0, 0}, period.Months(1200), [5]int{2124, 1, 31, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestAddTermStandardCycles(t *testing.T) {
	// Start 2024-01-31 10:00 in the default zone, the hardest anchor for
	// calendar months.
	wantThirty := []string{"2024-03-01", "2024-04-30", "2024-07-29", "2025-01-25", "2026-01-20", "2027-01-15"}
	wantCalendar := []string{"2024-02-29", "2024-04-30", "2024-07-31", "2025-01-31", "2026-01-31", "2027-01-31"}
	for _, basis := range []period.Basis{period.ThirtyDayMonths, period.CalendarMonths} {
		c := newCal(t, "", basis)
		start := at(t, period.DefaultTimeZone, 2024, 1, 31, 10, 0)
		want := wantThirty
		if basis == period.CalendarMonths {
			want = wantCalendar
		}
		for i, cycle := range period.StandardCycles() {
			t.Run(cycle.String()+" from 2024-01-31 under "+basis.String()+" ends "+want[i], func(t *testing.T) {
				end, err := c.AddTerm(start, cycle)
				require.NoError(t, err)
				assert.Equal(t, want[i]+" 10:00 +07", end.Format("2006-01-02 15:04 -07"))
			})
		}
	}
}

func TestAddTermRejectsInvalidTerms(t *testing.T) {
	c := newCal(t, "", period.CalendarMonths)
	start := at(t, period.DefaultTimeZone, 2024, 1, 1, 0, 0)
	for _, term := range []period.Term{{}, period.Months(-1), period.Days(-30), period.Months(1201), period.Days(36501), {Months: 1, Days: -1}} {
		t.Run("term "+term.String()+" is rejected with the zero time", func(t *testing.T) {
			end, err := c.AddTerm(start, term)
			require.ErrorIs(t, err, period.ErrInvalidTerm)
			assert.True(t, end.IsZero())
		})
	}
}

func TestAddMonthsNegative(t *testing.T) {
	const z = "UTC"
	tests := []struct {
		name  string
		basis period.Basis
		start time.Time
		n     int
		want  time.Time
	}{
		{"-1 calendar month from 2024-03-31 is 2024-02-29", period.CalendarMonths, utc(2024, 3, 31, 6, 0, 0, 0), -1, utc(2024, 2, 29, 6, 0, 0, 0)},
		{"-2 calendar months from 2024-03-31 is 2024-01-31", period.CalendarMonths, utc(2024, 3, 31, 6, 0, 0, 0), -2, utc(2024, 1, 31, 6, 0, 0, 0)},
		{"-13 calendar months from 2024-01-15 is 2022-12-15", period.CalendarMonths, utc(2024, 1, 15, 0, 0, 0, 0), -13, utc(2022, 12, 15, 0, 0, 0, 0)},
		{"-12 calendar months from 0001-06-30 is year 0 (1 BC) 06-30", period.CalendarMonths, utc(1, 6, 30, 0, 0, 0, 0), -12, utc(0, 6, 30, 0, 0, 0, 0)},
		{"0 calendar months keeps the instant", period.CalendarMonths, utc(2024, 5, 31, 1, 2, 3, 4), 0, utc(2024, 5, 31, 1, 2, 3, 4)},
		{"-1 thirty-day month from 2024-03-31 is 2024-03-01", period.ThirtyDayMonths, utc(2024, 3, 31, 6, 0, 0, 0), -1, utc(2024, 3, 1, 6, 0, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := newCal(t, z, tc.basis).AddMonths(tc.start, tc.n)
			assert.True(t, tc.want.Equal(got), "want %s, got %s", tc.want, got)
		})
	}
}

func TestMonthStart(t *testing.T) {
	tests := []struct {
		name      string
		zone      string
		t         time.Time
		start     string // RFC 3339 in zone
		nextStart string
	}{
		{"2024-02-15 in Ho Chi Minh starts 2024-02-01 +07 and ends 2024-03-01", "", utc(2024, 2, 15, 12, 0, 0, 0), "2024-02-01T00:00:00+07:00", "2024-03-01T00:00:00+07:00"},
		{"2024-01-31 18:00 UTC is already February in Ho Chi Minh", "", utc(2024, 1, 31, 18, 0, 0, 0), "2024-02-01T00:00:00+07:00", "2024-03-01T00:00:00+07:00"},
		{"December 2024 in Ho Chi Minh ends 2025-01-01", "", utc(2024, 12, 10, 0, 0, 0, 0), "2024-12-01T00:00:00+07:00", "2025-01-01T00:00:00+07:00"},
		{"March 2024 in New York starts in EST and ends in EDT", "America/New_York", utc(2024, 3, 20, 0, 0, 0, 0), "2024-03-01T00:00:00-05:00", "2024-04-01T00:00:00-04:00"},
		{"October 2023 in Asuncion starts 01:00 after the midnight DST gap", "America/Asuncion", utc(2023, 10, 15, 0, 0, 0, 0), "2023-10-01T01:00:00-03:00", "2023-11-01T00:00:00-03:00"},
		{"September 2023 in Asuncion ends where October starts", "America/Asuncion", utc(2023, 9, 15, 0, 0, 0, 0), "2023-09-01T00:00:00-04:00", "2023-10-01T01:00:00-03:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCal(t, tc.zone, period.ThirtyDayMonths)
			assert.Equal(t, tc.start, c.MonthStart(tc.t).Format(time.RFC3339))
			assert.Equal(t, tc.nextStart, c.NextMonthStart(tc.t).Format(time.RFC3339))
			m := c.MonthSpan(tc.t)
			assert.True(t, m.Contains(tc.t))
			assert.True(t, m.Start.Equal(c.MonthStart(tc.t)) && m.End.Equal(c.NextMonthStart(tc.t)))
		})
	}
	t.Run("the first instant of a month is its own month start", func(t *testing.T) {
		c := newCal(t, "", period.ThirtyDayMonths)
		first := at(t, period.DefaultTimeZone, 2024, 3, 1, 0, 0)
		assert.True(t, first.Equal(c.MonthStart(first)))
		assert.True(t, first.Equal(c.NextMonthStart(first.Add(-time.Nanosecond))))
	})
	t.Run("March 2024 in Ho Chi Minh is 44640 minutes, in New York 44580", func(t *testing.T) {
		hcm := newCal(t, "", period.ThirtyDayMonths).MonthSpan(utc(2024, 3, 10, 0, 0, 0, 0))
		ny := newCal(t, "America/New_York", period.ThirtyDayMonths).MonthSpan(utc(2024, 3, 10, 12, 0, 0, 0))
		assert.Equal(t, int64(44640), hcm.Minutes())
		assert.Equal(t, int64(44580), ny.Minutes())
	})
}
