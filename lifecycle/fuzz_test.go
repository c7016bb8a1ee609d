package lifecycle_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// FuzzParseState: ParseState accepts exactly the state names and returns
// the same text back; everything else is ErrUnknownState.
func FuzzParseState(f *testing.F) {
	for _, s := range lifecycle.States() {
		f.Add(string(s))
	}
	for _, s := range []string{"", "Active", "active ", "grace\x00", "suspended\n", "ñ", "pending-payment"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := lifecycle.ParseState(s)
		known := slices.Contains(lifecycle.States(), lifecycle.State(s))
		if known != (err == nil) {
			t.Fatalf("ParseState(%q) = %q, %v; known %v", s, got, err, known)
		}
		if err == nil && string(got) != s {
			t.Fatalf("ParseState(%q) = %q", s, got)
		}
		if err != nil && (got != "" || !isUnknown(err, lifecycle.ErrUnknownState)) {
			t.Fatalf("ParseState(%q) = %q, %v", s, got, err)
		}
		if err != nil && len(err.Error()) > 300 {
			t.Fatalf("error message for %d bytes of input is %d bytes long", len(s), len(err.Error()))
		}
	})
}

// FuzzParseEvent: ParseEvent accepts exactly the event names.
func FuzzParseEvent(f *testing.F) {
	for _, e := range lifecycle.Events() {
		f.Add(string(e))
	}
	for _, s := range []string{"", "Renew", "renew ", "term-ended", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := lifecycle.ParseEvent(s)
		known := slices.Contains(lifecycle.Events(), lifecycle.Event(s))
		if known != (err == nil) || (err == nil && string(got) != s) {
			t.Fatalf("ParseEvent(%q) = %q, %v; known %v", s, got, err, known)
		}
		if err != nil && (got != "" || !isUnknown(err, lifecycle.ErrUnknownEvent)) {
			t.Fatalf("ParseEvent(%q) = %q, %v", s, got, err)
		}
	})
}

// FuzzSchedule feeds arbitrary views and instants, including absurd years,
// to Due and NextDue: they must not panic, and when something is next due,
// nothing is due a nanosecond before it and something is due at it.
func FuzzSchedule(f *testing.F) {
	f.Add(int64(1715306400), int64(1715306400), int64(0), uint8(2), 0, 0, true, uint8(0))
	f.Add(int64(1715306400), int64(1716306400), int64(1712306400), uint8(3), 5, 2, true, uint8(1))
	f.Add(int64(-62135596800), int64(253402300799), int64(0), uint8(4), 1<<40, -1, false, uint8(1))
	f.Add(int64(253402300799), int64(-62135596800), int64(253402300799), uint8(2), 0, 0, true, uint8(0))
	zones := []string{"Asia/Ho_Chi_Minh", "America/New_York", "Pacific/Apia"}
	f.Fuzz(func(t *testing.T, endUnix, nowUnix, sinceUnix int64, state uint8, nextReminder, nextAttempt int, autoRenew bool, zone uint8) {
		// Keep instants within years 1..9999, where time.Date is meaningful.
		clamp := func(u int64) time.Time {
			return time.Unix(min(max(u, -62135596800), 253402300799), 0)
		}
		cal, err := period.NewCalendar(zones[int(zone)%len(zones)], period.CalendarMonths)
		if err != nil {
			t.Fatal(err)
		}
		r, err := lifecycle.NewRules(lifecycle.DefaultPolicy(), cal)
		if err != nil {
			t.Fatal(err)
		}
		states := lifecycle.States()
		v := lifecycle.ResourceView{
			State: states[int(state)%len(states)], End: clamp(endUnix), AutoRenew: autoRenew,
			NextReminder: nextReminder, NextAttempt: nextAttempt,
		}
		if sinceUnix != 0 {
			v.Since = clamp(sinceUnix)
		}
		now := clamp(nowUnix)
		_, dueErr := r.Due(v, now)
		next, ok, nextErr := r.NextDue(v)
		if (dueErr == nil) != (nextErr == nil) || (dueErr == nil) != (v.Validate() == nil) {
			t.Fatalf("Due error %v, NextDue error %v, Validate %v", dueErr, nextErr, v.Validate())
		}
		if !ok {
			return
		}
		if early, err := r.Due(v, next.Add(-1)); err != nil || len(early) > 0 {
			t.Fatalf("a nanosecond before NextDue %s: %v, %v", next, early, err)
		}
		if due, err := r.Due(v, next); err != nil || len(due) == 0 {
			t.Fatalf("at NextDue %s nothing is due: %v", next, err)
		}
	})
}
