package lifecycle_test

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// BenchmarkNextDue measures the per-resource cost of indexing: a DST zone,
// calendar months, auto-renewal on, halfway through the reminders.
func BenchmarkNextDue(b *testing.B) {
	r := newRules(b, lifecycle.DefaultPolicy(), nyc, period.CalendarMonths)
	end := at(b, nyc, 2024, 3, 12, 9, 0)
	v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: r.Calendar().AddMonths(end, -1),
		AutoRenew: true, NextReminder: 3, NextAttempt: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.NextDue(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDue measures one tick's look at a resource with an attempt, a
// transition and a reminder due.
func BenchmarkDue(b *testing.B) {
	r := newRules(b, lifecycle.DefaultPolicy(), nyc, period.CalendarMonths)
	end := at(b, nyc, 2024, 3, 12, 9, 0)
	v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, AutoRenew: true, NextAttempt: 3, NextReminder: 7}
	now := end.Add(26 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Due(v, now); err != nil {
			b.Fatal(err)
		}
	}
}
