package period

import (
	"fmt"
	"time"
)

// MinutesPer30Days is one "billing month" of the price list: 30 × 24 × 60
// minutes. Prices are quoted per 30 days, so a span's share of a price is
// Minutes() / MinutesPer30Days.
const MinutesPer30Days = 30 * 24 * 60

// DefaultTimeZone is the IANA zone NewCalendar uses when given "".
const DefaultTimeZone = "Asia/Ho_Chi_Minh"

// Calendar does wall-clock date arithmetic for billing terms in one time zone
// under one day-count Basis. It is an immutable value, safe for concurrent
// use. Build it with NewCalendar; the zero Calendar works and means UTC with
// ThirtyDayMonths.
type Calendar struct {
	loc   *time.Location
	basis Basis
}

// NewCalendar returns a calendar for the IANA zone name ("" means
// DefaultTimeZone) and basis. An unloadable zone, and "Local" (whose meaning
// depends on the host), yield a *ZoneError matching ErrUnknownZone; a basis
// that is not a declared constant yields an error wrapping ErrUnknownBasis.
func NewCalendar(zone string, basis Basis) (Calendar, error) {
	if !basis.valid() {
		return Calendar{}, fmt.Errorf("%w: %d", ErrUnknownBasis, int(basis))
	}
	if zone == "" {
		zone = DefaultTimeZone
	}
	if zone == "Local" {
		return Calendar{}, &ZoneError{Zone: zone}
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Calendar{}, &ZoneError{Zone: zone, Err: err}
	}
	return Calendar{loc: loc, basis: basis}, nil
}

// Location returns the calendar's time zone (UTC for the zero Calendar).
func (c Calendar) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// Basis returns the calendar's day-count basis.
func (c Calendar) Basis() Basis { return c.basis }

// AddTerm returns the end of a term t that starts at start, after checking t
// with Term.Validate (an invalid term returns the zero time and a *TermError).
//
// Under ThirtyDayMonths the end is 30×Months + Days calendar days later;
// under CalendarMonths it is Months calendar months later (clamped to the
// month's length, see AddMonths) and then Days calendar days later.
//
// The end has the same local wall-clock time as start in the calendar's zone,
// so across a DST change the elapsed time is not a whole number of 24-hour
// days. See AddDays for wall-clock times that do not exist.
//
// A longer term never ends earlier, but a later start can end earlier at
// the instant level: under CalendarMonths 2024-01-30 23:00 and 2024-01-31
// 01:00 both clamp to Feb 29 (23:00 and 01:00), and in a repeated fall-back
// hour the first 01:50 ends after the second 01:10. The end's local date
// never goes backwards.
//
// An end after MaxEnd (year 9999) returns the zero time and a *RangeError
// matching ErrOutOfRange.
func (c Calendar) AddTerm(start time.Time, t Term) (time.Time, error) {
	if err := t.Validate(); err != nil {
		return time.Time{}, err
	}
	var end time.Time
	if c.basis == CalendarMonths {
		end = c.AddDays(c.AddMonths(start, t.Months), t.Days)
	} else {
		end = c.AddDays(start, 30*t.Months+t.Days)
	}
	if end.After(MaxEnd()) {
		return time.Time{}, &RangeError{Start: start, Term: t, End: end}
	}
	return end, nil
}

// AddMonths moves start by n months under the calendar's basis and returns
// the result at the same local wall-clock time (DST edge cases as in
// AddDays). n may be negative, which moves backwards by the same rule; 0
// returns start. Under ThirtyDayMonths it is AddDays(start, 30*n). Under
// CalendarMonths the day of month is min(anchor day, length of the target
// month), computed directly from start's year and month, so Jan 31 + 1 month
// is Feb 29 2024 (Feb 28 2023) and Jan 31 + 2 months is Mar 31. Never use
// time.AddDate for this: it turns Oct 31 + 1 month into Dec 1.
func (c Calendar) AddMonths(start time.Time, n int) time.Time {
	if c.basis != CalendarMonths {
		return c.AddDays(start, 30*n)
	}
	loc := c.Location()
	local := start.In(loc)
	if n == 0 {
		return local
	}
	y, m, d := local.Date()
	total := y*12 + int(m) - 1 + n // months since January of year 0
	ty := floorDiv(total, 12)
	month := time.Month(total - ty*12 + 1)
	day := min(d, daysIn(ty, month))
	h, mi, s := local.Clock()
	return wallClock(ty, month, day, h, mi, s, local.Nanosecond(), loc)
}

// AddDays moves start by n calendar days (n may be negative) at the same
// local wall-clock time in the calendar's zone; n == 0 returns start
// (expressed in the calendar's zone). DST edge cases follow RFC 5545, the
// same way in every zone: a wall-clock time that does not exist on the
// target day (spring-forward gap) is read with the offset before the gap, so
// it moves forward by the gap's length (02:30 on 2024-03-10 in
// America/New_York becomes 03:30 EDT); one that occurs twice (fall-back)
// means the first, earlier occurrence.
func (c Calendar) AddDays(start time.Time, n int) time.Time {
	loc := c.Location()
	local := start.In(loc)
	if n == 0 {
		return local
	}
	y, m, d := local.Date()
	h, mi, s := local.Clock()
	return wallClock(y, m, d+n, h, mi, s, local.Nanosecond(), loc)
}

// MonthStart returns the first instant of t's calendar month in the
// calendar's zone: local midnight on day 1. Postpaid usage is closed per
// calendar month regardless of the basis. In the rare zones where midnight
// falls in a DST gap, the month starts at the end of the gap (the first
// existing local time), as AddDays describes.
func (c Calendar) MonthStart(t time.Time) time.Time {
	loc := c.Location()
	y, m, _ := t.In(loc).Date()
	return wallClock(y, m, 1, 0, 0, 0, 0, loc)
}

// NextMonthStart returns the first instant of the calendar month after t's,
// in the calendar's zone; it is always after t.
func (c Calendar) NextMonthStart(t time.Time) time.Time {
	loc := c.Location()
	y, m, _ := t.In(loc).Date()
	return wallClock(y, m+1, 1, 0, 0, 0, 0, loc)
}

// MonthSpan returns the calendar month containing t as the half-open span
// [MonthStart(t), NextMonthStart(t)).
func (c Calendar) MonthSpan(t time.Time) Span {
	return Span{Start: c.MonthStart(t), End: c.NextMonthStart(t)}
}

// daysIn returns the number of days in month m of year y (proleptic
// Gregorian, as the time package uses).
func daysIn(y int, m time.Month) int {
	// Day 0 of the next month normalises to the last day of this one.
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// floorDiv divides rounding toward negative infinity, so month arithmetic
// before year 0 or with negative n stays correct.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
