package lifecycle

import (
	"strconv"
	"time"
)

// WorkKind says what a piece of scheduled work is. The names are stable.
type WorkKind string

// The kinds of scheduled work.
const (
	// WorkAutoRenew: try to pay an automatic renewal of Policy.AutoRenewTerm.
	WorkAutoRenew WorkKind = "auto_renew"
	// WorkTransition: fire Work.Event, a change of state driven by the clock.
	WorkTransition WorkKind = "transition"
	// WorkReminder: send a renewal reminder.
	WorkReminder WorkKind = "reminder"
)

// Work is one scheduled piece of work of a term: a reminder, an
// automatic-renewal attempt, or a clock-driven change of state.
type Work struct {
	// Kind says what to do.
	Kind WorkKind
	// At is the instant the work is scheduled for. Work that is done late
	// (the clock was not run for a while) keeps its scheduled instant.
	At time.Time
	// End is the end T of the term the work belongs to.
	End time.Time
	// Index is the reminder's or attempt's position in its term's schedule,
	// from 0; 0 for transitions.
	Index int
	// Event is the event to fire for WorkTransition; empty otherwise.
	Event Event
	// Key identifies the work among all work of one resource, for ever:
	// "reminder:<T>:<k>", "auto_renew:<T>:<i>" or "transition:<T>:<event>",
	// with T in Unix seconds. Hosts deduplicate notices and payment attempts
	// by (resource, Key), so retries and concurrent workers do each once.
	Key string
}

// workKey builds the stable key of a piece of work.
func workKey(kind WorkKind, end time.Time, suffix string) string {
	return string(kind) + ":" + strconv.FormatInt(end.Unix(), 10) + ":" + suffix
}

// reminderWork returns reminder k of the term ending at end.
func (r Rules) reminderWork(end time.Time, k int) Work {
	return Work{Kind: WorkReminder, At: r.reminderAt(end, k), End: end, Index: k,
		Key: workKey(WorkReminder, end, strconv.Itoa(k))}
}

// attemptWork returns automatic-renewal attempt i of the term ending at end.
func (r Rules) attemptWork(end time.Time, i int) Work {
	return Work{Kind: WorkAutoRenew, At: r.attemptAt(end, i), End: end, Index: i,
		Key: workKey(WorkAutoRenew, end, strconv.Itoa(i))}
}

// transitionWork returns the clock-driven event ev of the term ending at end.
func transitionWork(end, at time.Time, ev Event) Work {
	return Work{Kind: WorkTransition, At: at, End: end, Event: ev,
		Key: workKey(WorkTransition, end, string(ev))}
}

// Reminders returns every reminder of a term ending at end, in order:
// reminder k is due at end + (k×ReminderEveryDays − ReminderLeadDays)
// calendar days, for every k whose day is before ReleaseAfterDays. With the
// default policy that is daily from T−7 through T+29 (37 reminders); the
// release at T+30 ends them. A renewal starts a new term, whose reminders
// replace these.
func (r Rules) Reminders(end time.Time) []Work {
	r = r.resolved()
	n := r.reminderCount()
	out := make([]Work, n)
	for k := range n {
		out[k] = r.reminderWork(end, k)
	}
	return out
}

// AutoRenewAttempts returns every automatic-renewal attempt of a term
// ending at end, in order: attempt i is due at end + AutoRenewAttemptDays[i]
// calendar days (default T−7, T−4, T−1 and T).
func (r Rules) AutoRenewAttempts(end time.Time) []Work {
	r = r.resolved()
	out := make([]Work, len(r.policy.AutoRenewAttemptDays))
	for i := range out {
		out[i] = r.attemptWork(end, i)
	}
	return out
}

// reminderCount returns how many reminders a term has: the k >= 0 whose
// day −lead + k×every is before the release day.
func (r Rules) reminderCount() int {
	span := r.policy.ReleaseAfterDays + r.policy.ReminderLeadDays
	if span <= 0 {
		return 0
	}
	every := r.policy.ReminderEveryDays
	return (span + every - 1) / every
}

// reminderAt returns the instant of reminder k of the term ending at end.
func (r Rules) reminderAt(end time.Time, k int) time.Time {
	return r.cal.AddDays(end, k*r.policy.ReminderEveryDays-r.policy.ReminderLeadDays)
}

// attemptAt returns the instant of attempt i of the term ending at end.
func (r Rules) attemptAt(end time.Time, i int) time.Time {
	return r.cal.AddDays(end, r.policy.AutoRenewAttemptDays[i])
}

// firstReminderAfter returns the smallest k in [0, reminderCount] whose
// reminder is strictly after t; reminderCount when there is none. Reminder
// instants never decrease with k (each step is whole calendar days at one
// wall-clock time), so a guess from the elapsed time, which DST can put off
// by a step or two, is corrected by walking.
func (r Rules) firstReminderAfter(end, t time.Time) int {
	n := r.reminderCount()
	if n == 0 {
		return 0
	}
	after := func(k int) bool { return r.reminderAt(end, k).After(t) }
	k := 0
	if secs := t.Unix() - r.reminderAt(end, 0).Unix(); secs > 0 {
		step := int64(r.policy.ReminderEveryDays) * 86400
		k = n
		if guess := secs / step; guess < int64(n) {
			k = int(guess)
		}
	}
	for k > 0 && after(k-1) {
		k--
	}
	for k < n && !after(k) {
		k++
	}
	return k
}
