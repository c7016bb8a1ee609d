package period

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

// dstZones have gaps and repeated hours, including a 30-minute shift (Lord
// Howe), a midnight gap (Asuncion), a skipped day (Apia) and odd offsets.
func dstZones() []string {
	return []string{
		"UTC", "Asia/Ho_Chi_Minh", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
		"America/Asuncion", "Pacific/Apia", "Pacific/Chatham", "America/St_Johns", "Asia/Kolkata",
	}
}

// wallOf returns t's local wall clock in loc read as UTC, so wall clocks
// compare and subtract as instants do.
func wallOf(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), time.UTC)
}

// TestWallClockMatchesBruteForce checks wallClock against a minute-by-minute
// scan of every instant within 16 hours of the wall clock: an existing wall
// clock resolves to its first occurrence, a missing one to the offset in
// force before the gap.
func TestWallClockMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom(dstZones()).Draw(t, "zone")
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatalf("load %s: %v", zone, err)
		}
		// Minute-aligned wall clocks from 1980 to 2300 (past the end of every
		// transition table, where offsets come from rules), where every zone's
		// offsets are whole minutes; dates near real transitions are drawn
		// often so gaps and overlaps are actually hit.
		var w time.Time
		if rapid.Bool().Draw(t, "nearTransition") {
			probe := time.Unix(rapid.Int64Range(315532800, 10413792000).Draw(t, "probe"), 0)
			_, end := probe.In(loc).ZoneBounds()
			if end.IsZero() {
				end = probe
			}
			w = wallOf(end, loc).Truncate(time.Minute).Add(time.Duration(rapid.IntRange(-90, 90).Draw(t, "minutesFromTransition")) * time.Minute)
		} else {
			w = time.Unix(rapid.Int64Range(315532800, 10413792000).Draw(t, "wall")/60*60, 0).UTC()
		}
		got := wallClock(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), 0, 0, loc)

		var first time.Time
		found := false
		for u := w.Add(-16 * time.Hour); u.Before(w.Add(16 * time.Hour)); u = u.Add(time.Minute) {
			if wallOf(u, loc).Equal(w) {
				first, found = u, true
				break
			}
		}
		if found {
			if !got.Equal(first) {
				t.Fatalf("%s in %s: got %s, first occurrence is %s", w.Format("2006-01-02 15:04"), zone, got, first.In(loc))
			}
			return
		}
		// Gap: find the offset just before the change that precedes got.
		_, after := got.Zone()
		before := after
		for u := got; u.After(got.Add(-26 * time.Hour)); u = u.Add(-time.Minute) {
			if _, off := u.In(loc).Zone(); off != after {
				before = off
				break
			}
		}
		want := w.Add(-time.Duration(before) * time.Second)
		if !got.Equal(want) || !wallOf(got, loc).After(w) {
			t.Fatalf("%s in %s does not exist: got %s, want %s (offset before gap %ds)", w.Format("2006-01-02 15:04"), zone, got.In(loc), want.In(loc), before)
		}
	})
}

func TestFloorDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, want int }{{7, 12, 0}, {12, 12, 1}, {-1, 12, -1}, {-12, 12, -1}, {-13, 12, -2}, {0, 12, 0}} {
		if got := floorDiv(tc.a, tc.b); got != tc.want {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestWallClockLeapYearEndBeyondTables pins a case the standard library's
// zone bounds get wrong: the last day of a leap year after 2037, where
// offsets come from the zone's rule rather than its table.
func TestWallClockLeapYearEndBeyondTables(t *testing.T) {
	for _, zone := range []string{"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Chatham"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range []int{30, 31, 32} {
			t.Run(zone+" "+time.Date(2060, 12, day, 0, 0, 0, 0, time.UTC).Format("2006-01-02")+" 10:00 resolves to itself", func(t *testing.T) {
				got := wallClock(2060, 12, day, 10, 0, 0, 0, loc)
				want := time.Date(2060, 12, day, 10, 0, 0, 0, loc)
				if !got.Equal(want) || got.In(loc).Hour() != 10 {
					t.Fatalf("got %s, want %s", got, want)
				}
			})
		}
	}
}
