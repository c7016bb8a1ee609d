package lifecycle_test

import (
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// drawPolicy draws a valid policy with small numbers, so that a simulation
// crosses every boundary in a few hundred steps.
func drawPolicy(t *rapid.T) lifecycle.Policy {
	p := lifecycle.DefaultPolicy()
	p.GraceDays = rapid.IntRange(0, 20).Draw(t, "grace")
	p.ReleaseAfterDays = rapid.IntRange(p.GraceDays, p.GraceDays+20).Draw(t, "release")
	p.ReminderLeadDays = rapid.IntRange(0, 10).Draw(t, "lead")
	p.ReminderEveryDays = rapid.IntRange(1, 4).Draw(t, "every")
	p.AutoRenewAttemptDays = rapid.SliceOfNDistinct(rapid.IntRange(-10, p.GraceDays-1), 0, 5, rapid.ID[int]).Draw(t, "attempts")
	slices.Sort(p.AutoRenewAttemptDays)
	if rapid.Bool().Draw(t, "monthly") {
		p.AutoRenewTerm = period.Months(rapid.IntRange(1, 3).Draw(t, "months"))
	} else {
		p.AutoRenewTerm = period.Days(rapid.IntRange(1, 40).Draw(t, "days"))
	}
	return p
}

// TestScheduleSimulation runs one resource through random terms, renewals,
// failed and successful automatic renewals, deletions and clock jumps
// (including long downtime), and checks after every step that:
//   - NextDue is after the instant just processed (never in the past);
//     only a user's action (opting in to auto-renewal) can make work
//     overdue, and the next tick then does it;
//   - nothing is due before NextDue, and something is due at it;
//   - every piece of work is due at or before now, belongs to the current
//     term, is owed (after Since), and is done once (unique keys);
//   - reminders only go to resources that are not released, before the
//     release, and attempts only to active or grace resources that opted
//     in, before the suspension.
func TestScheduleSimulation(t *testing.T) {
	zones := []string{hcm, nyc, "UTC", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Apia"}
	rapid.Check(t, func(t *rapid.T) {
		zone := rapid.SampledFrom(zones).Draw(t, "zone")
		basis := rapid.SampledFrom([]period.Basis{period.ThirtyDayMonths, period.CalendarMonths}).Draw(t, "basis")
		cal, err := period.NewCalendar(zone, basis)
		if err != nil {
			t.Fatal(err)
		}
		p := drawPolicy(t)
		r, err := lifecycle.NewRules(p, cal)
		if err != nil {
			t.Fatalf("drawn policy %+v: %v", p, err)
		}
		start := time.Unix(rapid.Int64Range(1293840000, 1893456000).Draw(t, "start"), 0) // 2011..2030
		end, err := cal.AddTerm(start, period.Days(rapid.IntRange(1, 60).Draw(t, "firstTermDays")))
		if err != nil {
			t.Fatal(err)
		}
		v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end, Since: start,
			AutoRenew: rapid.Bool().Draw(t, "autoRenew")}
		now := start
		seen := map[string]bool{}

		for step := 0; step < 120 && v.State.Scheduled(); step++ {
			work, err := r.Due(v, now)
			if err != nil {
				t.Fatal(err)
			}
			state := v.State // the state the work list starts from
			for _, w := range work {
				switch {
				case w.At.After(now):
					t.Fatalf("%s due at %s is after now %s", w.Key, w.At, now)
				case !w.End.Equal(v.End):
					t.Fatalf("%s belongs to the term ending %s, not %s", w.Key, w.End, v.End)
				case seen[w.Key]:
					t.Fatalf("%s is due twice", w.Key)
				case w.Kind != lifecycle.WorkTransition && !w.At.After(v.Since):
					t.Fatalf("%s at %s is not after Since %s", w.Key, w.At, v.Since)
				case w.Kind == lifecycle.WorkReminder && !state.Scheduled():
					t.Fatalf("%s sent to a %s resource", w.Key, state)
				case w.Kind == lifecycle.WorkReminder && !w.At.Before(r.ReleaseAt(v.End)):
					t.Fatalf("%s at %s is not before the release %s", w.Key, w.At, r.ReleaseAt(v.End))
				case w.Kind == lifecycle.WorkReminder && !now.Before(r.ReleaseAt(v.End)):
					t.Fatalf("%s sent at %s, at or after the release %s", w.Key, now, r.ReleaseAt(v.End))
				case w.Kind == lifecycle.WorkAutoRenew && (!v.AutoRenew || (state != lifecycle.StateActive && state != lifecycle.StateGrace)):
					t.Fatalf("%s attempted for a %s resource (auto-renew %v)", w.Key, state, v.AutoRenew)
				case w.Kind == lifecycle.WorkAutoRenew && !now.Before(r.SuspendAt(v.End)):
					t.Fatalf("%s attempted at %s, at or after the suspension %s", w.Key, now, r.SuspendAt(v.End))
				}
				seen[w.Key] = true
				if w.Kind == lifecycle.WorkAutoRenew && rapid.Bool().Draw(t, "paid") {
					if span, err := lifecycle.RenewPeriod(cal, v.End, now, p.AutoRenewTerm); err == nil {
						if v, err = v.Renewed(span.End, now); err != nil {
							t.Fatal(err)
						}
						break // the rest of the list belonged to the old term
					}
				}
				if v, err = v.Record(w); err != nil {
					t.Fatalf("record %s: %v", w.Key, err)
				}
				if w.Kind == lifecycle.WorkTransition {
					state = v.State
				}
			}

			// Processing everything due at now leaves nothing due at now.
			if next, ok, err := r.NextDue(v); err != nil || (ok && !next.After(now)) {
				t.Fatalf("after processing %s, NextDue is %s (%v), not after it (view %+v)", now, next, err, v)
			}

			// The user acts between ticks. Opting in to auto-renewal can
			// make an attempt due at once, so the loop goes round again
			// at the same instant when NextDue is not in the future.
			switch rapid.IntRange(0, 19).Draw(t, "userAction") {
			case 0:
				if v.State.Scheduled() {
					term := period.Days(rapid.IntRange(1, 40).Draw(t, "renewDays"))
					if span, err := lifecycle.RenewPeriod(cal, v.End, now, term); err == nil {
						if v, err = v.Renewed(span.End, now); err != nil {
							t.Fatal(err)
						}
					}
				}
			case 1:
				v.AutoRenew = !v.AutoRenew
			case 2:
				if to, err := lifecycle.Next(v.State, lifecycle.EventDelete); err == nil {
					v.State = to
				}
			}

			next, ok, err := r.NextDue(v)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				if v.State.Scheduled() {
					t.Fatalf("a %s resource has no next due time", v.State)
				}
				break
			}
			if !next.After(now) {
				continue
			}
			if gap := next.Sub(now); gap > 1 {
				probe := now.Add(time.Duration(rapid.Int64Range(1, int64(gap)-1).Draw(t, "probe")))
				if early, err := r.Due(v, probe); err != nil || len(early) > 0 {
					t.Fatalf("at %s, before NextDue %s, Due returned %v, %v", probe, next, early, err)
				}
			}
			if rapid.IntRange(0, 3).Draw(t, "downtime") == 0 {
				now = next.Add(time.Duration(rapid.Int64Range(0, int64(40*24*time.Hour)).Draw(t, "late")))
			} else {
				now = next
				if due, err := r.Due(v, now); err != nil || len(due) == 0 {
					t.Fatalf("at NextDue %s, Due returned nothing (%v) for %+v", now, err, v)
				}
			}
		}
	})
}

// TestResizeChargeIsAntisymmetric: swapping the prices negates the charge,
// and equal prices cost nothing, for any prices and remaining time.
func TestResizeChargeIsAntisymmetric(t *testing.T) {
	end := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(0, 1e12).Draw(t, "a")
		b := rapid.Int64Range(0, 1e12).Draw(t, "b")
		left := time.Duration(rapid.Int64Range(1, int64(3*365*24*time.Hour)).Draw(t, "left"))
		pa, _ := vndMinor(a)
		pb, _ := vndMinor(b)
		now := end.Add(-left)
		up, err := lifecycle.ResizeCharge(pa, pb, now, end)
		if err != nil {
			t.Fatal(err)
		}
		down, err := lifecycle.ResizeCharge(pb, pa, now, end)
		if err != nil {
			t.Fatal(err)
		}
		if !up.Neg().Equal(down) {
			t.Fatalf("%d → %d costs %s but %d → %d costs %s", a, b, up, b, a, down)
		}
		same, err := lifecycle.ResizeCharge(pa, pa, now, end)
		if err != nil || !same.IsZero() {
			t.Fatalf("same price %d costs %s (%v)", a, same, err)
		}
		if (a < b && up.IsNegative()) || (a > b && up.IsPositive()) {
			t.Fatalf("%d → %d has the wrong sign: %s", a, b, up)
		}
	})
}
