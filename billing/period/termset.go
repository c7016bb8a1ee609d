package period

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxSpanMinutes is the largest bound a TermSet may put on a span's
// length: MaxTermDays days in minutes.
const MaxSpanMinutes = MaxTermDays * minutesPerDay

// ErrTermNotSold is matched (errors.Is) by the *NotSoldError a TermSet
// returns for a valid term, or a span, that the product does not sell. It
// is distinct from ErrInvalidTerm, which means the term itself is malformed.
var ErrTermNotSold = errors.New("period: term is not sold")

// ErrInvalidTermSet is matched (errors.Is) by the *TermSetError
// TermSet.Validate returns.
var ErrInvalidTermSet = errors.New("period: invalid term set")

// Bounds is an inclusive range of whole units, Min through Max. The zero
// Bounds is empty and allows nothing; a set Bounds has 1 <= Min <= Max.
type Bounds struct {
	// Min is the smallest count allowed.
	Min int64 `json:"min"`
	// Max is the largest count allowed.
	Max int64 `json:"max"`
}

// IsZero reports whether b is the zero Bounds, which allows nothing.
func (b Bounds) IsZero() bool { return b == Bounds{} }

// Contains reports whether b is set and Min <= n <= Max.
func (b Bounds) Contains(n int64) bool { return !b.IsZero() && b.Min <= n && n <= b.Max }

// check returns why b is unusable with the given ceiling, or "".
func (b Bounds) check(ceiling int64) string {
	switch {
	case b.IsZero():
		return ""
	case b.Min < 1:
		return "min must be at least 1"
	case b.Max < b.Min:
		return fmt.Sprintf("max %d is below min %d", b.Max, b.Min)
	case b.Max > ceiling:
		return "max must be at most " + strconv.FormatInt(ceiling, 10)
	}
	return ""
}

// TermSet is the set of terms a product sells: exact terms (1, 3, 6, 12,
// 24 and 36 months by default), optionally any whole number of days within
// bounds, and optionally explicit spans measured to the minute within
// bounds. The zero TermSet means DefaultTerms; any other value sells
// exactly what it lists. It is a plain value: Validate it (NewCatalog does)
// before trusting one built from outside input.
type TermSet struct {
	// Terms are the exact terms sold, in display order, e.g. 1, 3, 6, 12,
	// 24 and 36 months, or a mixed term such as 1 month 15 days.
	Terms []Term `json:"terms,omitempty"`
	// Days, when set, also sells every days-only term Days(n) with n in
	// the bounds (at most MaxTermDays).
	Days Bounds `json:"days,omitzero"`
	// SpanMinutes, when set, sells explicit spans (a start and an end
	// chosen to the minute) whose Span.Minutes is in the bounds (at most
	// MaxSpanMinutes). A set without it sells no spans.
	SpanMinutes Bounds `json:"span_minutes,omitzero"`
	// AnyTerm sells every valid Term, months, days or both (Terms and Days
	// add nothing then); for hosts that check terms themselves and for
	// tests. It does not sell spans.
	AnyTerm bool `json:"any_term,omitempty"`
}

// DefaultTerms returns the renewal cycles sold when a product states
// none: 1, 3, 6, 12, 24 and 36 months, no days terms and no spans. Each
// call returns a fresh value the caller may modify.
func DefaultTerms() TermSet { return TermSet{Terms: StandardCycles()} }

// IsZero reports whether s lists nothing at all, which means DefaultTerms.
// An empty, non-nil Terms slice counts as nothing.
func (s TermSet) IsZero() bool {
	return len(s.Terms) == 0 && s.Days.IsZero() && s.SpanMinutes.IsZero() && !s.AnyTerm
}

// OrDefault returns DefaultTerms when s is zero and a copy of s (sharing
// no slice with it) otherwise: the set that is actually sold.
func (s TermSet) OrDefault() TermSet {
	if s.IsZero() {
		return DefaultTerms()
	}
	return s.Clone()
}

// Clone returns a copy of s that shares no slice with it.
func (s TermSet) Clone() TermSet {
	s.Terms = slices.Clone(s.Terms)
	return s
}

// Validate returns nil when every listed term is valid (Term.Validate) and
// listed once, and each set Bounds has 1 <= Min <= Max with Days.Max at
// most MaxTermDays and SpanMinutes.Max at most MaxSpanMinutes. Otherwise it
// returns a *TermSetError matching ErrInvalidTermSet (and ErrInvalidTerm
// for a malformed term). The zero TermSet is valid.
func (s TermSet) Validate() error {
	seen := make(map[Term]bool, len(s.Terms))
	for _, t := range s.Terms {
		if err := t.Validate(); err != nil {
			return &TermSetError{Field: "terms", Err: err}
		}
		if seen[t] {
			return &TermSetError{Field: "terms", Reason: t.String() + " is listed twice"}
		}
		seen[t] = true
	}
	if reason := s.Days.check(MaxTermDays); reason != "" {
		return &TermSetError{Field: "days", Reason: reason}
	}
	if reason := s.SpanMinutes.check(MaxSpanMinutes); reason != "" {
		return &TermSetError{Field: "span minutes", Reason: reason}
	}
	return nil
}

// Allows reports whether the set (DefaultTerms when s is zero) sells t: t
// is valid and AnyTerm is set, t is listed in Terms, or t is a days-only
// term within Days.
func (s TermSet) Allows(t Term) bool {
	if t.problem() != "" {
		return false
	}
	s = s.orDefaultShared()
	switch {
	case s.AnyTerm, slices.Contains(s.Terms, t):
		return true
	case t.Months == 0:
		return s.Days.Contains(int64(t.Days))
	}
	return false
}

// Check returns nil when the set sells t (see Allows). An invalid t is the
// *TermError of Term.Validate (ErrInvalidTerm); a valid one the set does
// not sell is a *NotSoldError (ErrTermNotSold) whose message lists what is
// sold: "period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36
// months".
func (s TermSet) Check(t Term) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if s.Allows(t) {
		return nil
	}
	return &NotSoldError{Term: t, Allowed: s.OrDefault()}
}

// CheckSpan returns nil when the set sells the explicit span sp: sp is not
// empty and its Span.Minutes lies within SpanMinutes. Otherwise it returns
// a *NotSoldError (ErrTermNotSold) carrying the span's minutes; an empty
// span, or one that ends before it starts, is never sold. It does not
// apply to extensions that align end times, which are not chosen lengths.
func (s TermSet) CheckSpan(sp Span) error {
	m := sp.Minutes()
	if !sp.Empty() && s.orDefaultShared().SpanMinutes.Contains(m) {
		return nil
	}
	return &NotSoldError{Minutes: m, Allowed: s.OrDefault()}
}

// orDefaultShared is OrDefault without the copy, for read-only use.
func (s TermSet) orDefaultShared() TermSet {
	if s.IsZero() {
		return DefaultTerms()
	}
	return s
}

// String lists what the set (DefaultTerms when s is zero) sells, for
// messages and product pages: days-only and months-only terms are grouped
// in their listed order, then mixed terms, the days range and the span
// range, separated by "; ". DefaultTerms prints as "1, 3, 6, 12, 24, 36
// months"; TermSet{Terms: []Term{Days(7)}, Days: Bounds{1, 365}} as
// "7 days; 1 to 365 days".
func (s TermSet) String() string {
	s = s.orDefaultShared()
	var parts []string
	if s.AnyTerm {
		parts = append(parts, "any term")
	}
	var months, days []int
	var mixed []string
	for _, t := range s.Terms {
		switch {
		case t.Days == 0:
			months = append(months, t.Months)
		case t.Months == 0:
			days = append(days, t.Days)
		default:
			mixed = append(mixed, t.String())
		}
	}
	if len(months) > 0 {
		parts = append(parts, list(months, "month"))
	}
	if len(days) > 0 {
		parts = append(parts, list(days, "day"))
	}
	parts = append(parts, mixed...)
	if !s.Days.IsZero() {
		parts = append(parts, rangeOf(s.Days, "day"))
	}
	if !s.SpanMinutes.IsZero() {
		parts = append(parts, "spans of "+rangeOf(s.SpanMinutes, "minute"))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, "; ")
}

// list renders counts sharing one unit: "1, 3, 6 months", "1 month".
func list(ns []int, unit string) string {
	if len(ns) == 1 {
		return count(ns[0], unit)
	}
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ") + " " + unit + "s"
}

// rangeOf renders bounds: "1 to 365 days", or "30 days" when Min == Max.
func rangeOf(b Bounds, unit string) string {
	if b.Min == b.Max {
		return count64(b.Max, unit)
	}
	return strconv.FormatInt(b.Min, 10) + " to " + count64(b.Max, unit)
}

// count64 is count for int64.
func count64(n int64, unit string) string {
	s := strconv.FormatInt(n, 10) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}

// NotSoldError reports a valid term, or span, that a product does not
// sell, and what it does sell. It unwraps to ErrTermNotSold.
type NotSoldError struct {
	// Term is the term asked for; zero when an explicit span was asked
	// for instead (a valid Term is never zero).
	Term Term
	// Minutes is the asked span's length (Span.Minutes) when Term is zero.
	Minutes int64
	// Allowed is the set that was checked, DefaultTerms applied.
	Allowed TermSet
}

// Error names what was asked and lists what is allowed, e.g. "period: term
// 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months".
func (e *NotSoldError) Error() string {
	asked := "term " + e.Term.String()
	if e.Term == (Term{}) {
		asked = "a span of " + count64(e.Minutes, "minute")
	}
	return fmt.Sprintf("period: %s is not sold; allowed: %s", asked, e.Allowed)
}

// Unwrap returns ErrTermNotSold so callers can match the class.
func (e *NotSoldError) Unwrap() error { return ErrTermNotSold }

// TermSetError reports why a TermSet is invalid. It matches
// ErrInvalidTermSet and, through Err, the cause (ErrInvalidTerm for a
// malformed term).
type TermSetError struct {
	// Field is the part of the set at fault: "terms", "days" or "span
	// minutes".
	Field string
	// Reason names the broken rule; empty when Err says it.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error names the field and the rule or cause.
func (e *TermSetError) Error() string {
	msg := "period: invalid term set: " + e.Field
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns ErrInvalidTermSet and the cause, so errors.Is matches both.
func (e *TermSetError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalidTermSet}
	}
	return []error{ErrInvalidTermSet, e.Err}
}
