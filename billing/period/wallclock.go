package period

import "time"

// probeReach is how far either side of a wall clock (read as UTC) offsets
// are sampled. Real UTC offsets lie within ±14 hours, so every instant that
// can show the wall clock, and the offsets in force around it, are in reach.
const probeReach = 16 * time.Hour

// wallClock returns the instant at which the clock on the wall in loc shows
// the given date and time, resolving the two DST edge cases the same way in
// every zone (RFC 5545 §3.3.5), because time.Date does not: in 2024 it moves
// a gap time back an hour in America/New_York but forward in Europe/Berlin,
// and picks the first occurrence of a repeated hour in one and the second in
// the other.
//
//   - A time that occurs twice (fall-back) means its first occurrence, the
//     earlier instant.
//   - A time that does not occur (spring-forward gap) is read with the UTC
//     offset in force before the gap, so it lands after the gap, later by
//     the gap's length: 02:30 on 2024-03-10 in America/New_York is 03:30 EDT.
//     Terms therefore never end earlier than their wall-clock time.
//
// Only offset look-ups are used: time.Time.ZoneBounds is not reliable past
// the end of the zone's transition table (it reports calendar years and
// ignores leap days there).
func wallClock(y int, mo time.Month, d, h, mi, s, ns int, loc *time.Location) time.Time {
	// The wall clock read as if it were UTC; an instant u shows this wall
	// clock in loc exactly when u + offset(u) == w.
	w := time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	offsetAt := func(u time.Time) int {
		_, off := u.In(loc).Zone()
		return off
	}
	var offs [3]int
	n := 0
	for _, probe := range [...]time.Duration{-probeReach, 0, probeReach} {
		o := offsetAt(w.Add(probe))
		seen := false
		for _, p := range offs[:n] {
			seen = seen || p == o
		}
		if !seen {
			offs[n] = o
			n++
		}
	}
	candidate := func(o int) time.Time { return w.Add(-time.Duration(o) * time.Second) }

	// An offset that is in force at its own candidate instant gives a real
	// occurrence; the earliest wins.
	var best time.Time
	found := false
	for _, o := range offs[:n] {
		if u := candidate(o); offsetAt(u) == o && (!found || u.Before(best)) {
			best, found = u, true
		}
	}
	if found {
		return best.In(loc)
	}
	// No occurrence: w is in a gap. The offset in force before the gap puts
	// its candidate after the jump, where a larger offset rules; take the
	// nearest such candidate.
	for _, o := range offs[:n] {
		if u := candidate(o); offsetAt(u) > o && (!found || u.Before(best)) {
			best, found = u, true
		}
	}
	if found {
		return best.In(loc)
	}
	// Unreachable with real zone data; fall back to the standard library's
	// choice rather than fail.
	return time.Date(y, mo, d, h, mi, s, ns, loc)
}
