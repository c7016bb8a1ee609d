package lifecycle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// describe renders work as "kind index-or-event @ local time", so a failed
// comparison reads like the schedule.
func describe(ws []lifecycle.Work) []string {
	var out []string
	for _, w := range ws {
		what := fmt.Sprint(w.Index)
		if w.Kind == lifecycle.WorkTransition {
			what = string(w.Event)
		}
		out = append(out, fmt.Sprintf("%s %s @%s", w.Kind, what, w.At.Format("01-02 15:04")))
	}
	return out
}

func TestDueCatchesUpOnceAndInOrder(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	base := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: end.Add(-days(30)), AutoRenew: true}
	with := func(change func(v *lifecycle.ResourceView)) lifecycle.ResourceView {
		v := base
		change(&v)
		return v
	}
	tests := []struct {
		name string
		view lifecycle.ResourceView
		now  time.Time
		want []string
	}{
		{"8 days before the end nothing is due", base, end.Add(-days(8)), nil},
		{"at T−7 attempt 0 and reminder 0 are due", base, end.Add(-days(7)),
			[]string{"auto_renew 0 @05-03 09:00", "reminder 0 @05-03 09:00"}},
		{"a minute after T−7, with both recorded, nothing is due",
			with(func(v *lifecycle.ResourceView) { v.NextAttempt, v.NextReminder = 1, 1 }), end.Add(-days(7) + time.Minute), nil},
		{"at T−5 after downtime only attempt 0 (current until T−4) and the latest reminder 2 are due",
			base, end.Add(-days(5)), []string{"auto_renew 0 @05-03 09:00", "reminder 2 @05-05 09:00"}},
		{"at T−2 after downtime attempt 0 is skipped for attempt 1 and reminder 5 is due",
			base, end.Add(-days(2)), []string{"auto_renew 1 @05-06 09:00", "reminder 5 @05-08 09:00"}},
		{"at T the attempt comes first, then term_ended, then reminder 7",
			with(func(v *lifecycle.ResourceView) { v.NextAttempt, v.NextReminder = 3, 7 }), end,
			[]string{"auto_renew 3 @05-10 09:00", "transition term_ended @05-10 09:00", "reminder 7 @05-10 09:00"}},
		{"at T+2 a missed attempt at T is still made, in grace",
			with(func(v *lifecycle.ResourceView) { v.State, v.NextAttempt, v.NextReminder = lifecycle.StateGrace, 3, 8 }), end.Add(days(2)),
			[]string{"auto_renew 3 @05-10 09:00", "reminder 9 @05-12 09:00"}},
		{"after the attempt at T failed no attempt is due in grace",
			with(func(v *lifecycle.ResourceView) { v.State, v.NextAttempt, v.NextReminder = lifecycle.StateGrace, 4, 10 }), end.Add(days(3)),
			[]string{"reminder 10 @05-13 09:00"}},
		{"at T+15 an active resource goes through grace to suspended, no attempt, reminder 22",
			base, end.Add(days(15)),
			[]string{"transition term_ended @05-10 09:00", "transition grace_ended @05-25 09:00", "reminder 22 @05-25 09:00"}},
		{"at T+40 an active resource is released in one call and gets no reminder",
			base, end.Add(days(40)),
			[]string{"transition term_ended @05-10 09:00", "transition grace_ended @05-25 09:00", "transition suspension_ended @06-09 09:00"}},
		{"without auto-renew at T only term_ended and reminder 7 are due",
			with(func(v *lifecycle.ResourceView) { v.AutoRenew = false }), end,
			[]string{"transition term_ended @05-10 09:00", "reminder 7 @05-10 09:00"}},
		{"a suspended resource gets reminders but no attempts",
			with(func(v *lifecycle.ResourceView) { v.State, v.NextReminder = lifecycle.StateSuspended, 20 }), end.Add(days(20)),
			[]string{"reminder 27 @05-30 09:00"}},
		{"at T+29 the last reminder 36 is due to a suspended resource",
			with(func(v *lifecycle.ResourceView) { v.State, v.NextReminder = lifecycle.StateSuspended, 36 }), end.Add(days(29)),
			[]string{"reminder 36 @06-08 09:00"}},
		{"at T+30 the suspended resource is released and gets no reminder",
			with(func(v *lifecycle.ResourceView) { v.State, v.NextReminder = lifecycle.StateSuspended, 37 }), end.Add(days(30)),
			[]string{"transition suspension_ended @06-09 09:00"}},
		{"a 3-day term bought at T−3 owes nothing at the purchase instant",
			with(func(v *lifecycle.ResourceView) { v.Since = end.Add(-days(3)) }), end.Add(-days(3)), nil},
		{"a 3-day term bought at T−3 owes reminder 5 and no attempt at T−2",
			with(func(v *lifecycle.ResourceView) { v.Since = end.Add(-days(3)) }), end.Add(-days(2)),
			[]string{"reminder 5 @05-08 09:00"}},
		{"a zero Since cuts nothing off",
			with(func(v *lifecycle.ResourceView) { v.Since = time.Time{} }), end.Add(-days(3)),
			[]string{"auto_renew 1 @05-06 09:00", "reminder 4 @05-07 09:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Due(tt.view, tt.now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, describe(got))
		})
	}
}

func TestNothingIsDueForUnscheduledStates(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	for _, s := range []lifecycle.State{lifecycle.StatePendingPayment, lifecycle.StateProvisioning,
		lifecycle.StateReleased, lifecycle.StateDeleted, lifecycle.StateProvisioningFailed} {
		t.Run(string(s)+" has no work and no next due time", func(t *testing.T) {
			v := lifecycle.ResourceView{State: s, End: end, AutoRenew: true}
			got, err := r.Due(v, end.Add(days(100)))
			require.NoError(t, err)
			assert.Empty(t, got)
			_, ok, err := r.NextDue(v)
			require.NoError(t, err)
			assert.False(t, ok)
			_, ok, err = r.NextDue(lifecycle.ResourceView{State: s})
			require.NoError(t, err, "no end is needed outside the scheduled states")
			assert.False(t, ok)
		})
	}
}

func TestNextDueIsTheEarliestOwedWork(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	tests := []struct {
		name string
		view lifecycle.ResourceView
		want time.Time
	}{
		{"a fresh active term is next due at T−7", lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: end.Add(-days(30))}, end.Add(-days(7))},
		{"after reminder 6 and attempt 2 it is next due at T",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end, AutoRenew: true, NextReminder: 7, NextAttempt: 3}, end},
		{"with every reminder and attempt done an active resource is next due at T",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end, AutoRenew: true, NextReminder: 37, NextAttempt: 4}, end},
		{"an attempt comes before a later reminder",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end, AutoRenew: true, NextReminder: 5, NextAttempt: 1}, end.Add(-days(4))},
		{"in grace with reminders done it is next due at the suspension T+15",
			lifecycle.ResourceView{State: lifecycle.StateGrace, End: end, NextReminder: 37}, end.Add(days(15))},
		{"suspended with reminders done it is next due at the release T+30",
			lifecycle.ResourceView{State: lifecycle.StateSuspended, End: end, NextReminder: 37}, end.Add(days(30))},
		{"suspended with auto-renew on ignores attempts",
			lifecycle.ResourceView{State: lifecycle.StateSuspended, End: end, AutoRenew: true, NextReminder: 37}, end.Add(days(30))},
		{"a 3-day term bought at T−3 is next due at T−2 (reminder 5)",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: end.Add(-days(3)), AutoRenew: true}, end.Add(-days(2))},
		{"a 3-day term bought at T−3 01:00 is next due at T−1 09:00 if reminders are done",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: end.Add(-days(3) - 8*time.Hour), AutoRenew: true, NextReminder: 37},
			end.Add(-days(1))},
		{"a view whose reminders are behind is overdue: next due is in the past of now",
			lifecycle.ResourceView{State: lifecycle.StateActive, End: end}, end.Add(-days(7))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := r.NextDue(tt.view)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, tt.want.Format(time.RFC3339), got.Format(time.RFC3339))
		})
	}
}

func TestBadViewsAreRefused(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	tests := []struct {
		name  string
		view  lifecycle.ResourceView
		field string
		also  error
	}{
		{"an unknown state", lifecycle.ResourceView{State: "expired", End: end}, "State", lifecycle.ErrUnknownState},
		{"an empty state", lifecycle.ResourceView{End: end}, "State", lifecycle.ErrUnknownState},
		{"an active resource without an end", lifecycle.ResourceView{State: lifecycle.StateActive}, "End", nil},
		{"a suspended resource without an end", lifecycle.ResourceView{State: lifecycle.StateSuspended}, "End", nil},
		{"reminder counter -1", lifecycle.ResourceView{State: lifecycle.StateActive, End: end, NextReminder: -1}, "NextReminder", nil},
		{"attempt counter -1", lifecycle.ResourceView{State: lifecycle.StateGrace, End: end, NextAttempt: -1}, "NextAttempt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is an invalid view", func(t *testing.T) {
			check := func(err error) {
				t.Helper()
				require.ErrorIs(t, err, lifecycle.ErrInvalidView)
				var ve *lifecycle.ViewError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tt.field, ve.Field)
				if tt.also != nil {
					assert.ErrorIs(t, err, tt.also)
				}
			}
			check(tt.view.Validate())
			_, err := r.Due(tt.view, end)
			check(err)
			_, ok, err := r.NextDue(tt.view)
			check(err)
			assert.False(t, ok)
		})
	}
}

func TestRecordMovesTheView(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, AutoRenew: true}
	work, err := r.Due(v, end.Add(days(1)))
	require.NoError(t, err)
	require.Equal(t, []string{"auto_renew 3 @05-10 09:00", "transition term_ended @05-10 09:00", "reminder 8 @05-11 09:00"}, describe(work))
	for _, w := range work {
		v, err = v.Record(w)
		require.NoError(t, err, w.Key)
	}
	assert.Equal(t, lifecycle.ResourceView{State: lifecycle.StateGrace, End: end, AutoRenew: true, NextReminder: 9, NextAttempt: 4}, v)

	t.Run("recording a reminder again is stale", func(t *testing.T) {
		got, err := v.Record(work[2])
		require.ErrorIs(t, err, lifecycle.ErrStaleWork)
		assert.Equal(t, v, got)
	})
	t.Run("recording an attempt again is stale", func(t *testing.T) {
		_, err := v.Record(work[0])
		require.ErrorIs(t, err, lifecycle.ErrStaleWork)
	})
	t.Run("recording term_ended again is an illegal transition from grace", func(t *testing.T) {
		_, err := v.Record(work[1])
		require.ErrorIs(t, err, lifecycle.ErrIllegalTransition)
	})
	t.Run("work of another term is stale", func(t *testing.T) {
		other := r.Reminders(end.Add(days(30)))[20]
		_, err := v.Record(other)
		require.ErrorIs(t, err, lifecycle.ErrStaleWork)
	})
	t.Run("work of an unknown kind is refused", func(t *testing.T) {
		_, err := v.Record(lifecycle.Work{Kind: "email", End: end})
		require.ErrorIs(t, err, lifecycle.ErrInvalidArgument)
	})
	next, ok, err := r.NextDue(v)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, end.Add(days(2)), next, "reminder 9 at T+2")
}

func TestRenewedStartsANewTerm(t *testing.T) {
	r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	paid := end.Add(days(20))
	v := lifecycle.ResourceView{State: lifecycle.StateSuspended, End: end, Since: end.Add(-days(30)), AutoRenew: true, NextReminder: 28, NextAttempt: 4}
	span, err := lifecycle.RenewPeriod(r.Calendar(), v.End, paid, period.Months(1))
	require.NoError(t, err)
	got, err := v.Renewed(span.End, paid)
	require.NoError(t, err)
	assert.Equal(t, lifecycle.ResourceView{State: lifecycle.StateActive, End: end.Add(days(30)), Since: paid, AutoRenew: true}, got)
	next, ok, err := r.NextDue(got)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, end.Add(days(23)), next, "the new term is next due at its own T−7")
	due, err := r.Due(got, paid)
	require.NoError(t, err)
	assert.Empty(t, due, "renewing on day 20 of suspension owes nothing at once")

	tests := []struct {
		name    string
		view    lifecycle.ResourceView
		newEnd  time.Time
		at      time.Time
		wantErr error
	}{
		{"a released resource cannot be renewed", lifecycle.ResourceView{State: lifecycle.StateReleased, End: end}, end.Add(days(30)), paid, lifecycle.ErrIllegalTransition},
		{"a new end equal to the current end is refused", v, end, paid, lifecycle.ErrInvalidArgument},
		{"a new end before the current end is refused", v, end.Add(-time.Minute), paid, lifecycle.ErrInvalidArgument},
		{"a zero renewal instant is refused", v, end.Add(days(30)), time.Time{}, lifecycle.ErrInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.view.Renewed(tt.newEnd, tt.at)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.view, got)
		})
	}
}

func TestReminderEdgesOfThePolicy(t *testing.T) {
	end := at(t, hcm, 2024, 5, 10, 9, 0)
	t.Run("with no lead and release at T there are no reminders, only transitions", func(t *testing.T) {
		p := lifecycle.DefaultPolicy()
		p.ReminderLeadDays, p.GraceDays, p.ReleaseAfterDays, p.AutoRenewAttemptDays = 0, 0, 0, nil
		r := newRules(t, p, hcm, period.ThirtyDayMonths)
		v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: end.Add(-days(30)), AutoRenew: true}
		next, ok, err := r.NextDue(v)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, end, next)
		got, err := r.Due(v, end)
		require.NoError(t, err)
		assert.Equal(t, []string{"transition term_ended @05-10 09:00", "transition grace_ended @05-10 09:00",
			"transition suspension_ended @05-10 09:00"}, describe(got), "no grace and no suspension release at T")
	})
	t.Run("a view whose Since is after the last reminder owes only its transition", func(t *testing.T) {
		r := newRules(t, lifecycle.DefaultPolicy(), hcm, period.ThirtyDayMonths)
		v := lifecycle.ResourceView{State: lifecycle.StateSuspended, End: end, Since: end.Add(days(29) + time.Hour)}
		next, ok, err := r.NextDue(v)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, end.Add(days(30)), next)
		got, err := r.Due(v, end.Add(days(29)+2*time.Hour))
		require.NoError(t, err)
		assert.Empty(t, got, "reminder 36 at T+29 came before Since")
	})
	t.Run("every 7 days from T−7 a suspended resource at T+20 is reminded with reminder 3 (T+14)", func(t *testing.T) {
		p := lifecycle.DefaultPolicy()
		p.ReminderEveryDays = 7
		r := newRules(t, p, hcm, period.ThirtyDayMonths)
		require.Len(t, r.Reminders(end), 6, "T−7, T, T+7, T+14, T+21, T+28")
		v := lifecycle.ResourceView{State: lifecycle.StateSuspended, End: end, NextReminder: 2}
		got, err := r.Due(v, end.Add(days(20)))
		require.NoError(t, err)
		assert.Equal(t, []string{"reminder 3 @05-24 09:00"}, describe(got))
	})
}
