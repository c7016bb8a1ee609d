package period

import "strconv"

// Limits on a Term. They are generous (100 years) and exist so that date
// arithmetic never leaves the range where time.Date is meaningful.
const (
	// MaxTermMonths is the largest Months a valid Term may have.
	MaxTermMonths = 1200
	// MaxTermDays is the largest Days a valid Term may have.
	MaxTermDays = 36500
)

// Term is a usage period expressed as months plus days, e.g. Term{Months: 12}
// or Term{Days: 60}. How long a month is depends on the Calendar's Basis.
// A Term is a plain value; call Validate (or Calendar.AddTerm, which does)
// before trusting one built from outside input.
//
// Its JSON is {"months":12}, {"days":60} or {"months":1,"days":5}: a zero
// part is left out, so the zero Term is {}. Documents written before the
// keys were snake_case ({"Months":1,"Days":0}) still decode, because
// encoding/json matches keys without regard to case.
type Term struct {
	// Months is the number of months, 0..MaxTermMonths.
	Months int `json:"months,omitempty"`
	// Days is the number of extra calendar days, 0..MaxTermDays.
	Days int `json:"days,omitempty"`
}

// Months returns a term of n months.
func Months(n int) Term { return Term{Months: n} }

// Days returns a term of n days.
func Days(n int) Term { return Term{Days: n} }

// StandardCycles returns the renewal cycles offered by default: 1, 3, 6, 12,
// 24 and 36 months. Each call returns a fresh slice the caller may modify.
func StandardCycles() []Term {
	return []Term{Months(1), Months(3), Months(6), Months(12), Months(24), Months(36)}
}

// Validate returns nil when Months is 0..MaxTermMonths, Days is
// 0..MaxTermDays and at least one of them is positive. Otherwise it returns
// a *TermError, which matches ErrInvalidTerm.
func (t Term) Validate() error {
	if reason := t.problem(); reason != "" {
		return &TermError{Term: t, Reason: reason}
	}
	return nil
}

// problem names the first rule t breaks, or returns "" when t is valid.
func (t Term) problem() string {
	switch {
	case t.Months < 0 || t.Months > MaxTermMonths:
		return "months must be 0.." + strconv.Itoa(MaxTermMonths)
	case t.Days < 0 || t.Days > MaxTermDays:
		return "days must be 0.." + strconv.Itoa(MaxTermDays)
	case t.Months == 0 && t.Days == 0:
		return "term must not be zero"
	}
	return ""
}

// String renders the term in words: "12 months", "1 month 5 days",
// "60 days". Zero parts are omitted; the zero Term prints as "0 days".
// For valid terms ParseTerm(t.String()) returns t.
func (t Term) String() string {
	switch {
	case t.Months != 0 && t.Days != 0:
		return count(t.Months, "month") + " " + count(t.Days, "day")
	case t.Months != 0:
		return count(t.Months, "month")
	default:
		return count(t.Days, "day")
	}
}

// count renders n with unit, singular only for exactly one.
func count(n int, unit string) string {
	s := strconv.Itoa(n) + " " + unit
	if n != 1 {
		s += "s"
	}
	return s
}
