package lifecycle_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestRemindersAreDailyFromTMinus7UntilTheDayBeforeRelease(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	got := r.Reminders(end)

	// Asia/Ho_Chi_Minh has no DST, so time.Date is an independent oracle:
	// 2024-05-03 09:00 (T−7) through 2024-06-08 09:00 (T+29).
	var want []string
	for d := 3; d <= 3+36; d++ {
		want = append(want, time.Date(2024, 5, d, 9, 0, 0, 0, end.Location()).Format("2006-01-02 15:04 -0700"))
	}
	require.Len(t, want, 37)
	assert.Equal(t, want, localTimes(instants(got)))
	assert.Equal(t, "2024-05-03 09:00 +0700", want[0])
	assert.Equal(t, "2024-06-08 09:00 +0700", want[36])

	unix := strconv.FormatInt(end.Unix(), 10)
	seen := map[string]bool{}
	for k, w := range got {
		assert.Equal(t, lifecycle.WorkReminder, w.Kind)
		assert.Equal(t, k, w.Index)
		assert.True(t, w.End.Equal(end))
		assert.Equal(t, "reminder:"+unix+":"+strconv.Itoa(k), w.Key)
		assert.False(t, seen[w.Key], "keys are unique")
		seen[w.Key] = true
	}
	assert.Equal(t, "reminder:1715306400:7", got[7].Key, "T = 2024-05-10 02:00 UTC")
	assert.True(t, got[7].At.Equal(end), "reminder 7 is at T")
}

func TestReminderCountFollowsThePolicy(t *testing.T) {
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	tests := []struct {
		name                    string
		lead, every, grace, rel int
		count                   int
		firstOffset, lastOffset int
	}{
		{"lead 7 every 1 release 30 gives 37 from T−7 to T+29", 7, 1, 15, 30, 37, -7, 29},
		{"lead 7 every 2 release 30 gives 19 from T−7 to T+29", 7, 2, 15, 30, 19, -7, 29},
		{"lead 7 every 3 release 30 gives 13 from T−7 to T+29", 7, 3, 15, 30, 13, -7, 29},
		{"lead 6 every 3 release 30 gives 12 from T−6 to T+27", 6, 3, 15, 30, 12, -6, 27},
		{"lead 0 every 1 release 1 gives 1 at T", 0, 1, 1, 1, 1, 0, 0},
		{"lead 0 release 0 gives none", 0, 1, 0, 0, 0, 0, 0},
		{"lead 3 release 0 gives 3 from T−3 to T−1", 3, 1, 0, 0, 3, -3, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := lifecycle.DefaultPolicy()
			p.ReminderLeadDays, p.ReminderEveryDays, p.GraceDays, p.ReleaseAfterDays = tt.lead, tt.every, tt.grace, tt.rel
			p.AutoRenewAttemptDays = []int{-1}
			rem := newRules(t, p, hcm, period.ThirtyDayMonths).Reminders(end)
			require.Len(t, rem, tt.count)
			if tt.count == 0 {
				return
			}
			assert.Equal(t, end.Add(days(tt.firstOffset)), rem[0].At)
			assert.Equal(t, end.Add(days(tt.lastOffset)), rem[len(rem)-1].At)
		})
	}
}

func TestAutoRenewAttemptsAreAtTMinus7Minus4Minus1AndT(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), nyc, period.ThirtyDayMonths)
	end := at(t, nyc, 2024, 3, 12, 9, 0) // spring forward on 2024-03-10
	got := r.AutoRenewAttempts(end)
	assert.Equal(t, []string{"2024-03-05 09:00 -0500", "2024-03-08 09:00 -0500", "2024-03-11 09:00 -0400", "2024-03-12 09:00 -0400"},
		localTimes(instants(got)))
	for i, w := range got {
		assert.Equal(t, lifecycle.WorkAutoRenew, w.Kind)
		assert.Equal(t, i, w.Index)
		assert.Equal(t, fmt.Sprintf("auto_renew:%d:%d", end.Unix(), i), w.Key)
	}
	p := lifecycle.DefaultPolicy()
	p.AutoRenewAttemptDays = nil
	assert.Empty(t, newRules(t, p, nyc, period.ThirtyDayMonths).AutoRenewAttempts(end))
}
