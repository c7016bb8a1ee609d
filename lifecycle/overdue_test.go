package lifecycle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestOverdueTimelineTToT30(t *testing.T) {
	cal := newCal(t, hcm, period.ThirtyDayMonths)
	p := lifecycle.DefaultOverduePolicy()
	due := at(t, hcm, 2024, time.June, 15, 0, 0) // T
	day := func(n int) time.Time { return cal.AddDays(due, n) }
	tests := []struct {
		name    string
		now     time.Time
		done    lifecycle.OverdueProgress
		action  lifecycle.OverdueAction
		at      time.Time
		attempt int
		isDue   bool
		key     string
	}{
		{"at T the first charge attempt is due", day(0), lifecycle.OverdueProgress{},
			lifecycle.OverdueCharge, day(0), 0, true, "charge:0"},
		{"after attempt 0 failed, the next is at T+7", day(1), lifecycle.OverdueProgress{AttemptsDone: 1},
			lifecycle.OverdueCharge, day(7), 1, false, "charge:1"},
		{"at T+7 attempt 1 is due", day(7), lifecycle.OverdueProgress{AttemptsDone: 1},
			lifecycle.OverdueCharge, day(7), 1, true, "charge:1"},
		{"at T+14 attempt 2 is due", day(14), lifecycle.OverdueProgress{AttemptsDone: 2},
			lifecycle.OverdueCharge, day(14), 2, true, "charge:2"},
		{"after the last attempt, the suspension at T+15 is next", day(14).Add(time.Hour), lifecycle.OverdueProgress{AttemptsDone: 3},
			lifecycle.OverdueSuspend, day(15), 0, false, "suspend"},
		{"a worker down from T to T+10 makes only the latest attempt, T+7", day(10), lifecycle.OverdueProgress{},
			lifecycle.OverdueCharge, day(7), 1, true, "charge:1"},
		{"at T+15 suspension is due even with attempts missed", day(15), lifecycle.OverdueProgress{AttemptsDone: 1},
			lifecycle.OverdueSuspend, day(15), 0, true, "suspend"},
		{"suspended at T+15: release at T+30", day(20), lifecycle.OverdueProgress{AttemptsDone: 3, SuspendedAt: day(15)},
			lifecycle.OverdueRelease, day(30), 0, false, "release"},
		{"at T+30 release is due", day(30), lifecycle.OverdueProgress{AttemptsDone: 3, SuspendedAt: day(15)},
			lifecycle.OverdueRelease, day(30), 0, true, "release"},
		{"suspended late at T+17: release 15 days later, T+32", day(30), lifecycle.OverdueProgress{AttemptsDone: 3, SuspendedAt: day(17)},
			lifecycle.OverdueRelease, day(32), 0, false, "release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := lifecycle.NextOverdueStep(p, cal, due, tt.now, tt.done)
			require.NoError(t, err)
			assert.Equal(t, tt.action, s.Action)
			assert.True(t, tt.at.Equal(s.At), "at %s, want %s", s.At, tt.at)
			assert.Equal(t, tt.attempt, s.Attempt)
			assert.Equal(t, tt.isDue, s.Due)
			assert.Equal(t, fmt.Sprintf("overdue:%d:%s", due.Unix(), tt.key), s.Key)
		})
	}
	s, err := lifecycle.NextOverdueStep(p, cal, due, day(40), lifecycle.OverdueProgress{SuspendedAt: day(15), ReleasedAt: day(30)})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.OverdueNone, s.Action)
}

func TestOverdueDaysKeepWallClockAcrossDST(t *testing.T) {
	cal := newCal(t, nyc, period.ThirtyDayMonths)
	due := at(t, nyc, 2024, time.March, 1, 9, 0)
	s, err := lifecycle.NextOverdueStep(lifecycle.DefaultOverduePolicy(), cal, due, due, lifecycle.OverdueProgress{AttemptsDone: 2})
	require.NoError(t, err)
	// T+14 is March 15, 09:00 EDT: across the March 10 change, 14 days less an hour.
	assert.Equal(t, "2024-03-15 09:00 EDT", s.At.Format("2006-01-02 15:04 MST"))
	assert.Equal(t, 14*24*time.Hour-time.Hour, s.At.Sub(due))
}

func TestOverduePolicyValidate(t *testing.T) {
	for name, p := range map[string]lifecycle.OverduePolicy{
		"an attempt at the suspension day": {ChargeAttemptDays: []int{0, 15}, SuspendAfterDays: 15, ReleaseAfterSuspendDays: 15},
		"attempts out of order":            {ChargeAttemptDays: []int{7, 0}, SuspendAfterDays: 15, ReleaseAfterSuspendDays: 15},
		"an attempt before T":              {ChargeAttemptDays: []int{-1}, SuspendAfterDays: 15, ReleaseAfterSuspendDays: 15},
		"negative release delay":           {SuspendAfterDays: 15, ReleaseAfterSuspendDays: -1},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, p.Validate(), lifecycle.ErrInvalidPolicy)
		})
	}
	assert.NoError(t, lifecycle.DefaultOverduePolicy().Validate())
}

func TestCheckCreditLimit(t *testing.T) {
	v := func(n int64) money.Amount { a, _ := money.FromMinor(n, "VND"); return a }
	tests := []struct {
		name                    string
		p                       lifecycle.CreditLimitPolicy
		unbilled, unpaid, extra int64
		status                  lifecycle.CreditLimitStatus
		headroom                string
		blocked                 bool
	}{
		{"3M unbilled + 0.5M unpaid of a 5M limit is within (below 80%)", lifecycle.CreditLimitPolicy{Limit: v(5_000_000), NoticeAtPercent: 80},
			3_000_000, 500_000, 0, lifecycle.CreditWithin, "1500000", false},
		{"exactly 80% (3M + 1M of 5M) is a notice", lifecycle.CreditLimitPolicy{Limit: v(5_000_000), NoticeAtPercent: 80},
			3_000_000, 1_000_000, 0, lifecycle.CreditNotice, "1000000", false},
		{"exactly at the limit is not over", lifecycle.CreditLimitPolicy{Limit: v(5_000_000)},
			4_000_000, 1_000_000, 0, lifecycle.CreditWithin, "0", false},
		{"one dong over a blocking limit blocks", lifecycle.CreditLimitPolicy{Limit: v(5_000_000), Blocks: true},
			4_000_000, 1_000_000, 1, lifecycle.CreditOver, "-1", true},
		{"over a limit that does not block only notifies", lifecycle.CreditLimitPolicy{Limit: v(5_000_000)},
			4_000_000, 2_000_000, 0, lifecycle.CreditOver, "-1000000", false},
		{"no limit is always within", lifecycle.CreditLimitPolicy{Blocks: true},
			4_000_000, 2_000_000, 0, lifecycle.CreditWithin, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := lifecycle.CheckCreditLimit(tt.p, v(tt.unbilled), v(tt.unpaid), v(tt.extra))
			require.NoError(t, err)
			assert.Equal(t, tt.status, c.Status)
			if tt.headroom == "" {
				assert.True(t, c.Headroom.Currency().IsZero())
			} else {
				assert.Equal(t, tt.headroom, c.Headroom.Number().String())
			}
			assert.Equal(t, tt.blocked, c.Blocked)
			err = lifecycle.CheckPurchase(time.Time{}, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), c)
			if tt.blocked {
				assert.ErrorIs(t, err, lifecycle.ErrCreditLimitExceeded)
			} else {
				assert.NoError(t, err)
			}
		})
	}
	usd, _ := money.FromMinor(1, "USD")
	_, err := lifecycle.CheckCreditLimit(lifecycle.CreditLimitPolicy{}, v(1), usd, v(0))
	assert.ErrorIs(t, err, lifecycle.ErrInvalidArgument)
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
}

func TestCheckPurchaseRefusedWhileOverdue(t *testing.T) {
	due := time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC)
	err := lifecycle.CheckPurchase(due, due.Add(time.Minute), lifecycle.CreditCheck{})
	assert.ErrorIs(t, err, lifecycle.ErrAccountOverdue)
	var pe *lifecycle.PurchaseRefusedError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.OverdueSince.Equal(due))
	assert.NoError(t, lifecycle.CheckPurchase(due, due, lifecycle.CreditCheck{}), "at the due time it is not yet overdue")
}

// The template overdue schedule for an invoice due on 15 June, as a worker
// that runs every day at the due time's wall-clock time sees it, with every
// charge attempt failing.
func ExampleNextOverdueStep() {
	cal, _ := period.NewCalendar("Asia/Ho_Chi_Minh", period.ThirtyDayMonths)
	loc := cal.Location()
	due := time.Date(2024, 6, 15, 0, 0, 0, 0, loc)
	var done lifecycle.OverdueProgress
	for d := 0; d <= 31; d++ {
		now := cal.AddDays(due, d)
		s, err := lifecycle.NextOverdueStep(lifecycle.DefaultOverduePolicy(), cal, due, now, done)
		if err != nil {
			fmt.Println(err)
			return
		}
		if !s.Due {
			continue
		}
		fmt.Printf("T+%d %s %s\n", d, s.At.Format("2006-01-02"), s.Action)
		switch s.Action {
		case lifecycle.OverdueCharge:
			done.AttemptsDone = s.Attempt + 1
		case lifecycle.OverdueSuspend:
			done.SuspendedAt = now
		case lifecycle.OverdueRelease:
			done.ReleasedAt = now
		}
	}
	// Output:
	// T+0 2024-06-15 charge
	// T+7 2024-06-22 charge
	// T+14 2024-06-29 charge
	// T+15 2024-06-30 suspend
	// T+30 2024-07-15 release
}
