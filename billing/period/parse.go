package period

import (
	"strconv"
	"strings"
)

// ParseTerm reads a term in exactly the form Term.String writes: "12
// months", "1 month", "60 days", "1 month 5 days" (singular only for 1, one
// space between words, no zero parts, signs or leading zeros). The strict
// grammar keeps one spelling per term, so stored text compares reliably. The
// result is validated as by Term.Validate; any failure is a *TermError
// (carrying the input) matching ErrInvalidTerm.
func ParseTerm(s string) (Term, error) {
	fail := func(t Term, reason string) (Term, error) {
		return Term{}, &TermError{Term: t, Input: s, Reason: reason}
	}
	f := strings.Split(s, " ")
	if len(f) != 2 && len(f) != 4 {
		return fail(Term{}, `want "<n> months", "<n> days" or "<n> months <n> days"`)
	}
	var t Term
	for i := 0; i < len(f); i += 2 {
		n, ok := parseCount(f[i])
		if !ok {
			return fail(Term{}, "count "+strconv.Quote(f[i])+" is not a non-negative decimal integer")
		}
		switch unit := strings.TrimSuffix(f[i+1], "s"); {
		case unit == "month" && i == 0:
			t.Months = n
		case unit == "day" && i == len(f)-2:
			t.Days = n
		default:
			return fail(Term{}, "unexpected unit "+strconv.Quote(f[i+1]))
		}
	}
	// Comparing with the canonical rendering rejects every other spelling
	// (plural agreement, zero parts, leading zeros) in one place.
	if canon := t.String(); canon != s {
		return fail(Term{}, "not in canonical form "+strconv.Quote(canon))
	}
	if reason := t.problem(); reason != "" {
		return fail(t, reason)
	}
	return t, nil
}

// parseCount accepts only ASCII digits, so signs and spaces are rejected
// before strconv sees them; overflow is rejected by strconv.
func parseCount(s string) (int, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
