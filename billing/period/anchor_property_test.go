package period_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/period"
)

// drawAnchor returns an instant from 1980 to 2100 on a day of month the
// month-end rules care about half the time (28th to 31st).
func drawAnchor(t *rapid.T, c period.Calendar) time.Time {
	base := drawInstant(t, "anchor").In(c.Location())
	if rapid.Bool().Draw(t, "monthEnd") {
		day := rapid.IntRange(28, 31).Draw(t, "day")
		if probe := c.AddDays(base, day-base.Day()); probe.Month() == base.Month() {
			return probe
		}
	}
	return base
}

func TestPropertyRenewalsOfMonthsNeverDrift(t *testing.T) {
	// For any anchor and n renewals of m months, the end is the anchor
	// plus n·m months computed directly (clamped only in short months),
	// the anchor never changes, and ends strictly increase.
	rapid.Check(t, func(t *rapid.T) {
		c := drawCalendar(t, allZones())
		anchor := drawAnchor(t, c)
		m := rapid.SampledFrom([]int{1, 1, 1, 2, 3, 6, 12, 24, 36}).Draw(t, "m")
		n := rapid.IntRange(1, 40).Draw(t, "n")
		r, err := c.Renew(anchor, anchor, period.Months(m))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= n; i++ {
			if want := c.AddMonths(anchor, i*m); !r.Span.End.Equal(want) {
				t.Fatalf("%s %s: after %d renewals of %d months from %s the end is %s, want %s", c.Location(), c.Basis(), i, m, anchor, r.Span.End, want)
			}
			if !r.Anchor.Equal(anchor) {
				t.Fatalf("%s %s: the anchor moved from %s to %s after %d renewals", c.Location(), c.Basis(), anchor, r.Anchor, i)
			}
			if k, ok := c.BoundaryIndex(anchor, r.Span.End); !ok || k != i*m {
				t.Fatalf("%s %s: end %s is boundary (%d, %v), want %d", c.Location(), c.Basis(), r.Span.End, k, ok, i*m)
			}
			next, err := c.Renew(r.Anchor, r.Span.End, period.Months(m))
			if err != nil {
				t.Fatal(err)
			}
			if !next.Span.End.After(r.Span.End) || !next.Span.Start.Equal(r.Span.End) {
				t.Fatalf("%s %s: renewal of %s is %s", c.Location(), c.Basis(), r.Span, next.Span)
			}
			r = next
		}
	})
}

func TestPropertyCalendarRenewalsKeepTheAnchorDay(t *testing.T) {
	// In zones without a skipped day, a calendar-month end falls on
	// min(anchor day, days in the month), whatever the renewal terms.
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom([]string{"UTC", "Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"}).Draw(t, "zone")
		c, err := period.NewCalendar(zone, period.CalendarMonths)
		if err != nil {
			t.Fatal(err)
		}
		anchor := drawAnchor(t, c)
		r := period.Renewal{Span: period.Span{End: anchor}, Anchor: anchor}
		for i := range rapid.IntRange(1, 30).Draw(t, "renewals") {
			term := period.Months(rapid.SampledFrom([]int{1, 3, 6, 12}).Draw(t, "months"))
			if r, err = c.Renew(r.Anchor, r.Span.End, term); err != nil {
				t.Fatal(err)
			}
			end := r.Span.End.In(c.Location())
			last := time.Date(end.Year(), end.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if want := min(anchor.Day(), last); end.Day() != want {
				t.Fatalf("%s: renewal %d from anchor %s ends %s, want day %d", zone, i, anchor, end, want)
			}
		}
	})
}

func TestPropertyAnyRenewalSequenceIsConsistent(t *testing.T) {
	// Any mix of month, day and mixed terms: each renewal starts at the
	// previous end and ends strictly later, where the rule of Renew says;
	// the returned anchor is either kept or the new end, and the new end is
	// the anchor's boundary when the anchor is kept.
	rapid.Check(t, func(t *rapid.T) {
		c := drawCalendar(t, allZones())
		anchor := drawAnchor(t, c)
		r := period.Renewal{Span: period.Span{End: anchor}, Anchor: anchor}
		for range rapid.IntRange(1, 20).Draw(t, "renewals") {
			term := period.Term{Months: rapid.IntRange(0, 36).Draw(t, "months"), Days: rapid.IntRange(0, 90).Draw(t, "days")}
			if term == (period.Term{}) {
				term.Days = 1
			}
			k, onSchedule := c.BoundaryIndex(r.Anchor, r.Span.End)
			next, err := c.Renew(r.Anchor, r.Span.End, term)
			if err != nil {
				t.Fatal(err)
			}
			// The whole rule: a days-only term, or any term from an end off
			// the schedule, is AddTerm from the end; months from an end on
			// the schedule are AddTerm from the anchor.
			want := addTerm(t, c, r.Span.End, term)
			if onSchedule && term.Months > 0 {
				want = addTerm(t, c, r.Anchor, period.Term{Months: k + term.Months, Days: term.Days})
			}
			if !next.Span.End.Equal(want) {
				t.Fatalf("%s %s: %s from %s (anchor %s, boundary %d %v) gives %s, want %s",
					c.Location(), c.Basis(), term, r.Span.End, r.Anchor, k, onSchedule, next.Span.End, want)
			}
			if !next.Span.Start.Equal(r.Span.End) || !next.Span.End.After(r.Span.End) {
				t.Fatalf("%s %s: %s after %s gives %s", c.Location(), c.Basis(), term, r.Span, next.Span)
			}
			switch {
			case next.Anchor.Equal(next.Span.End):
			case next.Anchor.Equal(r.Anchor) || next.Anchor.Equal(r.Span.End):
				if _, ok := c.BoundaryIndex(next.Anchor, next.Span.End); !ok {
					t.Fatalf("%s %s: kept anchor %s but end %s is not its boundary", c.Location(), c.Basis(), next.Anchor, next.Span.End)
				}
			default:
				t.Fatalf("%s %s: anchor %s is neither the old anchor %s nor an end", c.Location(), c.Basis(), next.Anchor, r.Anchor)
			}
			r = next
		}
	})
}

func TestPropertyBoundaryIndexFindsEveryBoundary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCalendar(t, allZones())
		anchor := drawAnchor(t, c)
		k := rapid.IntRange(0, 1200).Draw(t, "k")
		b := c.AddMonths(anchor, k)
		if got, ok := c.BoundaryIndex(anchor, b); !ok || got != k {
			// A later boundary can coincide with an earlier one only
			// where a whole day was skipped; then the first k counts.
			if !ok || !c.AddMonths(anchor, got).Equal(b) {
				t.Fatalf("%s %s: boundary %d of %s (%s) gives (%d, %v)", c.Location(), c.Basis(), k, anchor, b, got, ok)
			}
		}
		// Within a second (storage precision) is the same boundary; a
		// second later is not a boundary at all.
		jitter := time.Duration(rapid.Int64Range(-int64(time.Second)+1, int64(time.Second)-1).Draw(t, "jitter"))
		if got, ok := c.BoundaryIndex(anchor, b.Add(jitter)); !ok || !c.AddMonths(anchor, got).Equal(b) {
			t.Fatalf("%s %s: %s from boundary %d gives (%d, %v)", c.Location(), c.Basis(), jitter, k, got, ok)
		}
		if _, ok := c.BoundaryIndex(anchor, b.Add(time.Second)); ok {
			t.Fatalf("%s %s: a second after boundary %d is a boundary too", c.Location(), c.Basis(), k)
		}
	})
}
