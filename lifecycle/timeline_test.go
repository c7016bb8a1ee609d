package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestTimelineOfATermEndingOnThe31st(t *testing.T) {
	tests := []struct {
		name                 string
		end                  time.Time
		suspend, release     time.Time
		renewedEnd           time.Time
		firstReminder, lastR time.Time
	}{
		{
			name:          "end 2024-01-31 10:00 suspends 2024-02-15, releases 2024-03-01 (leap year), renews to 2024-02-29",
			end:           at(t, hcm, 2024, 1, 31, 10, 0),
			suspend:       at(t, hcm, 2024, 2, 15, 10, 0),
			release:       at(t, hcm, 2024, 3, 1, 10, 0),
			renewedEnd:    at(t, hcm, 2024, 2, 29, 10, 0),
			firstReminder: at(t, hcm, 2024, 1, 24, 10, 0),
			lastR:         at(t, hcm, 2024, 2, 29, 10, 0),
		},
		{
			name:          "end 2023-01-31 10:00 releases 2023-03-02 and renews to 2023-02-28",
			end:           at(t, hcm, 2023, 1, 31, 10, 0),
			suspend:       at(t, hcm, 2023, 2, 15, 10, 0),
			release:       at(t, hcm, 2023, 3, 2, 10, 0),
			renewedEnd:    at(t, hcm, 2023, 2, 28, 10, 0),
			firstReminder: at(t, hcm, 2023, 1, 24, 10, 0),
			lastR:         at(t, hcm, 2023, 3, 1, 10, 0),
		},
		{
			name:          "end 2024-10-31 23:30 suspends 2024-11-15, releases 2024-11-30, renews to 2024-11-30",
			end:           at(t, hcm, 2024, 10, 31, 23, 30),
			suspend:       at(t, hcm, 2024, 11, 15, 23, 30),
			release:       at(t, hcm, 2024, 11, 30, 23, 30),
			renewedEnd:    at(t, hcm, 2024, 11, 30, 23, 30),
			firstReminder: at(t, hcm, 2024, 10, 24, 23, 30),
			lastR:         at(t, hcm, 2024, 11, 29, 23, 30),
		},
	}
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.CalendarMonths)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := r.Timeline(tt.end)
			assert.Equal(t, localTimes([]time.Time{tt.end, tt.suspend, tt.release}),
				localTimes([]time.Time{tl.End, tl.SuspendAt, tl.ReleaseAt}))
			assert.True(t, r.GraceStart(tt.end).Equal(tt.end), "grace starts at T")
			assert.True(t, r.SuspendAt(tt.end).Equal(tt.suspend))
			assert.True(t, r.ReleaseAt(tt.end).Equal(tt.release))

			span, err := lifecycle.RenewPeriod(r.Calendar(), tt.end, tt.end.Add(-time.Hour), r.Policy().AutoRenewTerm)
			require.NoError(t, err)
			assert.Equal(t, localTimes([]time.Time{tt.end, tt.renewedEnd}), localTimes([]time.Time{span.Start, span.End}))

			rem := r.Reminders(tt.end)
			require.Len(t, rem, 37)
			assert.Equal(t, localTimes([]time.Time{tt.firstReminder, tt.lastR}), localTimes([]time.Time{rem[0].At, rem[36].At}))
		})
	}
}

func TestTimelineInADSTZoneKeepsTheWallClock(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), nyc, period.CalendarMonths)
	tests := []struct {
		name             string
		end              time.Time
		suspend, release string
		graceMinutes     int64
	}{
		{
			name:         "end 2024-03-01 09:00 EST suspends 2024-03-16 09:00 EDT after 15 days less an hour",
			end:          at(t, nyc, 2024, 3, 1, 9, 0),
			suspend:      "2024-03-16 09:00 -0400",
			release:      "2024-03-31 09:00 -0400",
			graceMinutes: 15*1440 - 60,
		},
		{
			name:         "end 2024-10-25 09:00 EDT suspends 2024-11-09 09:00 EST after 15 days and an hour",
			end:          at(t, nyc, 2024, 10, 25, 9, 0),
			suspend:      "2024-11-09 09:00 -0500",
			release:      "2024-11-24 09:00 -0500",
			graceMinutes: 15*1440 + 60,
		},
		{
			name:         "end 2024-02-24 02:30 EST would suspend at 02:30 on 2024-03-10, which does not exist, so at 03:30 EDT",
			end:          at(t, nyc, 2024, 2, 24, 2, 30),
			suspend:      "2024-03-10 03:30 -0400",
			release:      "2024-03-25 02:30 -0400",
			graceMinutes: 15 * 1440,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl := r.Timeline(tt.end)
			assert.Equal(t, []string{tt.suspend, tt.release}, localTimes([]time.Time{tl.SuspendAt, tl.ReleaseAt}))
			assert.Equal(t, tt.graceMinutes, period.Span{Start: tl.End, End: tl.SuspendAt}.Minutes())
		})
	}
}

func TestRemindersAcrossSpringForwardStayAt0900Local(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), nyc, period.ThirtyDayMonths)
	end := at(t, nyc, 2024, 3, 12, 9, 0)
	rem := r.Reminders(end)
	require.Len(t, rem, 37)
	want := []string{
		"2024-03-05 09:00 -0500", "2024-03-06 09:00 -0500", "2024-03-07 09:00 -0500",
		"2024-03-08 09:00 -0500", "2024-03-09 09:00 -0500", "2024-03-10 09:00 -0400",
		"2024-03-11 09:00 -0400", "2024-03-12 09:00 -0400",
	}
	assert.Equal(t, want, localTimes(instants(rem[:8])))
	assert.True(t, rem[7].At.Equal(end), "reminder 7 is at T")
	assert.Equal(t, int64(23*60), period.Span{Start: rem[4].At, End: rem[5].At}.Minutes(), "the day of the change is 23 hours long")
	assert.Equal(t, "2024-04-10 09:00 -0400", rem[36].At.Format("2006-01-02 15:04 -0700"), "the last reminder is T+29")
}

func TestReminderOnAFallBackNightIsTheFirstOccurrence(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), nyc, period.ThirtyDayMonths)
	end := at(t, nyc, 2024, 10, 27, 1, 30) // EDT
	rem := r.Reminders(end)
	// Reminder 14 is T+7 = 2024-11-03 01:30, which happens twice; the
	// first (EDT) is chosen.
	assert.Equal(t, "2024-11-03 01:30 -0400", rem[14].At.Format("2006-01-02 15:04 -0700"))
	assert.Equal(t, "2024-11-04 01:30 -0500", rem[15].At.Format("2006-01-02 15:04 -0700"))
	assert.Equal(t, int64(25*60), period.Span{Start: rem[14].At, End: rem[15].At}.Minutes())
}

func TestBillingStatusBoundaries(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 6, 30, 12, 0)
	tests := []struct {
		name string
		now  time.Time
		want lifecycle.BillingStatus
	}{
		{"30 days left is good", end.Add(-days(30)), lifecycle.StatusGood},
		{"15 days and 1 minute left is good", end.Add(-days(15) - time.Minute), lifecycle.StatusGood},
		{"exactly 15 days left is a warning", end.Add(-days(15)), lifecycle.StatusWarning},
		{"10 days left is a warning", end.Add(-days(10)), lifecycle.StatusWarning},
		{"exactly 5 days left is a warning", end.Add(-days(5)), lifecycle.StatusWarning},
		{"5 days less 1 minute left is alerted", end.Add(-days(5) + time.Minute), lifecycle.StatusAlerted},
		{"1 minute left is alerted", end.Add(-time.Minute), lifecycle.StatusAlerted},
		{"1 nanosecond left is alerted", end.Add(-1), lifecycle.StatusAlerted},
		{"0 left, at the end itself, is expired", end, lifecycle.StatusExpired},
		{"20 days after the end is expired", end.Add(days(20)), lifecycle.StatusExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, r.BillingStatus(end, tt.now))
		})
	}
}

func TestBillingStatusCountsCalendarDaysAcrossDST(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), nyc, period.ThirtyDayMonths)
	end := at(t, nyc, 2024, 3, 20, 12, 0) // EDT; 15 days earlier is 2024-03-05 12:00 EST
	boundary := at(t, nyc, 2024, 3, 5, 12, 0)
	assert.Equal(t, lifecycle.StatusWarning, r.BillingStatus(end, boundary), "15 calendar days left at 12:00 local")
	assert.Equal(t, lifecycle.StatusGood, r.BillingStatus(end, boundary.Add(-time.Minute)))
	assert.Equal(t, lifecycle.StatusGood, r.BillingStatus(end, end.Add(-15*24*time.Hour)),
		"15×24 hours before is 11:00 local, still 15 days and an hour of wall clock")
}

func TestBillingStatusWithCustomThresholds(t *testing.T) {
	p := lifecycle.DefaultPolicy()
	p.WarningDays, p.AlertDays = 3, 0
	r := newRules(t, p, hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 6, 30, 12, 0)
	assert.Equal(t, lifecycle.StatusGood, r.BillingStatus(end, end.Add(-days(3)-time.Minute)))
	assert.Equal(t, lifecycle.StatusWarning, r.BillingStatus(end, end.Add(-days(3))))
	assert.Equal(t, lifecycle.StatusWarning, r.BillingStatus(end, end.Add(-time.Minute)), "with AlertDays 0 nothing is alerted")
	assert.Equal(t, lifecycle.StatusExpired, r.BillingStatus(end, end))
}

func TestZeroRulesUseDefaultsInUTC(t *testing.T) {
	var r lifecycle.Rules
	end := time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)
	tl := r.Timeline(end)
	assert.Equal(t, time.Date(2024, 2, 15, 10, 0, 0, 0, time.UTC), tl.SuspendAt)
	assert.Equal(t, time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), tl.ReleaseAt)
	assert.Len(t, r.Reminders(end), 37)
	assert.Len(t, r.AutoRenewAttempts(end), 4)
	assert.Equal(t, lifecycle.StatusWarning, r.BillingStatus(end, end.Add(-days(15))))
}
