package period_test

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
)

func BenchmarkAddTerm(b *testing.B) {
	for _, bc := range []struct {
		name  string
		zone  string
		basis period.Basis
		term  period.Term
	}{
		{"Ho_Chi_Minh/30-day/12 months", "", period.ThirtyDayMonths, period.Months(12)},
		{"Ho_Chi_Minh/calendar/1 month 5 days", "", period.CalendarMonths, period.Term{Months: 1, Days: 5}},
		{"New_York/calendar/12 months", "America/New_York", period.CalendarMonths, period.Months(12)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := newCal(b, bc.zone, bc.basis)
			start := time.Date(2024, 1, 31, 10, 0, 0, 0, c.Location())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.AddTerm(start, bc.term); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSpanMinutes(b *testing.B) {
	s := period.Span{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	var sink int64
	for b.Loop() {
		sink += s.Minutes()
	}
	_ = sink
}
