package period_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/period"
)

// allZones mixes fixed-offset zones with DST zones, a 30-minute DST shift,
// a midnight gap and a skipped day.
func allZones() []string {
	return []string{
		"UTC", "Asia/Ho_Chi_Minh", "Asia/Kolkata", "America/New_York", "Europe/Berlin",
		"Australia/Lord_Howe", "America/Asuncion", "Pacific/Apia", "Pacific/Chatham",
	}
}

// fixedZones never change offset after 1980, so calendar days are always
// 24 hours long there.
func fixedZones() []string { return []string{"UTC", "Asia/Ho_Chi_Minh", "Asia/Kolkata"} }

func drawCalendar(t *rapid.T, zones []string) period.Calendar {
	zone := rapid.SampledFrom(zones).Draw(t, "zone")
	basis := rapid.SampledFrom([]period.Basis{period.ThirtyDayMonths, period.CalendarMonths}).Draw(t, "basis")
	c, err := period.NewCalendar(zone, basis)
	if err != nil {
		t.Fatalf("NewCalendar(%q, %s): %v", zone, basis, err)
	}
	return c
}

// drawInstant returns an instant from 1980 to 2100 with nanoseconds.
func drawInstant(t *rapid.T, label string) time.Time {
	return time.Unix(rapid.Int64Range(315532800, 4102444800).Draw(t, label+"Sec"), rapid.Int64Range(0, 999_999_999).Draw(t, label+"Nsec"))
}

func drawTerm(t *rapid.T, label string) period.Term {
	term := period.Term{
		Months: rapid.IntRange(0, period.MaxTermMonths).Draw(t, label+"Months"),
		Days:   rapid.IntRange(0, period.MaxTermDays).Draw(t, label+"Days"),
	}
	if term.Months == 0 && term.Days == 0 {
		term.Days = 1
	}
	return term
}

func addTerm(t *rapid.T, c period.Calendar, start time.Time, term period.Term) time.Time {
	end, err := c.AddTerm(start, term)
	if err != nil {
		t.Fatalf("AddTerm(%s, %s): %v", start, term, err)
	}
	return end
}

func localDate(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func TestPropertyLongerTermNeverEndsEarlier(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCalendar(t, allZones())
		start := drawInstant(t, "start")
		short := drawTerm(t, "short")
		long := period.Term{
			Months: short.Months + rapid.IntRange(0, period.MaxTermMonths-short.Months).Draw(t, "extraMonths"),
			Days:   short.Days + rapid.IntRange(0, period.MaxTermDays-short.Days).Draw(t, "extraDays"),
		}
		e1, e2 := addTerm(t, c, start, short), addTerm(t, c, start, long)
		if e2.Before(e1) {
			t.Fatalf("%s: %s ends %s, longer %s ends earlier at %s", c.Location(), short, e1, long, e2)
		}
		if !e1.After(start) {
			t.Fatalf("%s: %s from %s ends %s, not after the start", c.Location(), short, start, e1)
		}
	})
}

func TestPropertyLaterStartNeverEndsOnAnEarlierDate(t *testing.T) {
	// Instants are not monotone in the start (see
	// TestStartOrderIsNotAlwaysEndOrder), but the local end date is.
	rapid.Check(t, func(t *rapid.T) {
		c := drawCalendar(t, allZones())
		s1 := drawInstant(t, "s1")
		s2 := s1.Add(time.Duration(rapid.Int64Range(0, 400*24*int64(time.Hour)).Draw(t, "later")))
		term := drawTerm(t, "term")
		d1 := localDate(addTerm(t, c, s1, term), c.Location())
		d2 := localDate(addTerm(t, c, s2, term), c.Location())
		if d2.Before(d1) {
			t.Fatalf("%s %s: start %s ends on %s, later start %s ends on earlier %s", c.Location(), c.Basis(), s1, d1, s2, d2)
		}
	})
}

func TestPropertyThirtyDayTermsAreExactDaysInFixedZones(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom(fixedZones()).Draw(t, "zone")
		c, err := period.NewCalendar(zone, period.ThirtyDayMonths)
		if err != nil {
			t.Fatal(err)
		}
		start := drawInstant(t, "start")
		term := drawTerm(t, "term")
		end := addTerm(t, c, start, term)
		want := start.Add(time.Duration(30*term.Months+term.Days) * 24 * time.Hour)
		if !end.Equal(want) {
			t.Fatalf("%s from %s in %s: got %s, want %s", term, start, zone, end, want)
		}
		// Consistency: months then days in two steps equals one step.
		if term.Months > 0 && term.Days > 0 {
			mid := addTerm(t, c, start, period.Months(term.Months))
			if two := addTerm(t, c, mid, period.Days(term.Days)); !two.Equal(end) {
				t.Fatalf("%s from %s: one step %s, two steps %s", term, start, end, two)
			}
		}
	})
}

func TestPropertyTermKeepsWallClockDate(t *testing.T) {
	// In every zone the end falls the right number of local calendar days
	// after the start (30 per month on the 30-day basis), at the same local
	// time unless that time was skipped, in which case it is later by at
	// most a day (Apia skipped a whole day).
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom(allZones()).Draw(t, "zone")
		c, err := period.NewCalendar(zone, period.ThirtyDayMonths)
		if err != nil {
			t.Fatal(err)
		}
		start := drawInstant(t, "start")
		term := drawTerm(t, "term")
		end := addTerm(t, c, start, term)
		if alt := addTerm(t, c, start, period.Days(min(30*term.Months+term.Days, period.MaxTermDays))); 30*term.Months+term.Days <= period.MaxTermDays && !alt.Equal(end) {
			t.Fatalf("%s and %s from %s differ: %s vs %s", term, period.Days(30*term.Months+term.Days), start, end, alt)
		}
		l := start.In(c.Location())
		want := time.Date(l.Year(), l.Month(), l.Day()+30*term.Months+term.Days, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
		e := end.In(c.Location())
		got := time.Date(e.Year(), e.Month(), e.Day(), e.Hour(), e.Minute(), e.Second(), e.Nanosecond(), time.UTC)
		if got.Before(want) || got.Sub(want) > 24*time.Hour {
			t.Fatalf("%s from %s in %s: local end %s, want %s", term, l, zone, got.Format("2006-01-02 15:04:05.999999999"), want.Format("2006-01-02 15:04:05.999999999"))
		}
	})
}

func TestPropertyCalendarMonthsClampToMonthLength(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		// Apia is left out: its skipped 2011-12-30 moves a date, not a day
		// of month rule.
		zone := rapid.SampledFrom([]string{"UTC", "Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Asuncion"}).Draw(t, "zone")
		c, err := period.NewCalendar(zone, period.CalendarMonths)
		if err != nil {
			t.Fatal(err)
		}
		start := drawInstant(t, "start")
		n := rapid.IntRange(-1200, 1200).Draw(t, "n")
		got := c.AddMonths(start, n).In(c.Location())
		l := start.In(c.Location())
		// Oracle: time.AddDate is safe on day 1, and day 0 of the next
		// month is the last day of this one.
		first := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
		last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
		wantDay := min(l.Day(), last)
		if got.Year() != first.Year() || got.Month() != first.Month() || got.Day() != wantDay {
			t.Fatalf("%d months from %s in %s: got %s, want %04d-%02d-%02d", n, l, zone, got, first.Year(), first.Month(), wantDay)
		}
		if zone == "UTC" || zone == "Asia/Ho_Chi_Minh" {
			if got.Hour() != l.Hour() || got.Minute() != l.Minute() || got.Second() != l.Second() || got.Nanosecond() != l.Nanosecond() {
				t.Fatalf("%d months from %s: time of day changed to %s", n, l, got)
			}
		}
	})
}

func TestPropertyChainedCalendarMonthsNeverOvershoot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := period.NewCalendar("UTC", period.CalendarMonths)
		if err != nil {
			t.Fatal(err)
		}
		start := drawInstant(t, "start")
		a := rapid.IntRange(-600, 600).Draw(t, "a")
		b := rapid.IntRange(-600, 600).Draw(t, "b")
		direct := c.AddMonths(start, a+b)
		chained := c.AddMonths(c.AddMonths(start, a), b)
		if chained.After(direct) {
			t.Fatalf("%s + %d + %d months = %s, after %s + %d = %s", start, a, b, chained, start, a+b, direct)
		}
		if start.UTC().Day() <= 28 && !chained.Equal(direct) {
			t.Fatalf("anchor day %d needs no clamping, yet chained %s != direct %s", start.UTC().Day(), chained, direct)
		}
		if start.UTC().Day() <= 28 {
			if back := c.AddMonths(direct, -(a + b)); !back.Equal(start) {
				t.Fatalf("%s + %d - %d months = %s", start, a+b, a+b, back)
			}
		}
	})
}

func TestPropertySplitPartsAddUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := drawInstant(t, "start")
		length := time.Duration(rapid.Int64Range(0, 3*365*24*int64(time.Hour)).Draw(t, "length"))
		s, err := period.NewSpan(start, start.Add(length))
		if err != nil {
			t.Fatal(err)
		}
		whole := s.Minutes()
		if whole != int64(length/time.Minute) {
			t.Fatalf("Minutes() = %d for %s, want %d", whole, length, int64(length/time.Minute))
		}
		cut := start.Add(time.Duration(rapid.Int64Range(0, int64(length)).Draw(t, "cut")))
		a, b, err := s.Split(cut)
		if err != nil {
			t.Fatal(err)
		}
		if sum := a.Minutes() + b.Minutes(); sum != whole && sum != whole-1 {
			t.Fatalf("split of %d minutes at %s gives %d + %d", whole, cut, a.Minutes(), b.Minutes())
		}
		aligned := start.Add(time.Duration(rapid.Int64Range(0, whole).Draw(t, "minutesIn")) * time.Minute)
		a, b, err = s.Split(aligned)
		if err != nil {
			t.Fatal(err)
		}
		if a.Minutes()+b.Minutes() != whole {
			t.Fatalf("split of %d minutes at whole minute %s gives %d + %d", whole, aligned, a.Minutes(), b.Minutes())
		}
	})
}

func TestPropertyOverlapIsTheIntersection(t *testing.T) {
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	drawSpan := func(t *rapid.T, label string) period.Span {
		a := base.Add(time.Duration(rapid.IntRange(0, 100).Draw(t, label+"Start")) * time.Minute)
		return period.Span{Start: a, End: a.Add(time.Duration(rapid.IntRange(0, 100).Draw(t, label+"Len")) * time.Minute)}
	}
	rapid.Check(t, func(t *rapid.T) {
		x, y := drawSpan(t, "x"), drawSpan(t, "y")
		o, ok := x.Overlap(y)
		if ok == o.Empty() {
			t.Fatalf("Overlap(%s, %s) = %s, %v", x, y, o, ok)
		}
		for m := -1; m <= 201; m++ {
			p := base.Add(time.Duration(m) * time.Minute)
			if o.Contains(p) != (x.Contains(p) && y.Contains(p)) {
				t.Fatalf("%s: overlap %s of %s and %s disagrees", p, o, x, y)
			}
		}
	})
}

func TestPropertyParseTermRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		term := drawTerm(t, "term")
		got, err := period.ParseTerm(term.String())
		if err != nil || got != term {
			t.Fatalf("ParseTerm(%q) = %+v, %v; want %+v", term.String(), got, err, term)
		}
	})
}
