package period

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// minutesPerDay converts minutes to days for display.
const minutesPerDay = 24 * 60

// Span is the half-open interval [Start, End): it contains Start and not End,
// so consecutive spans that share a boundary never count an instant twice.
// Build spans with NewSpan, which rejects End before Start; a zero-length span
// is valid and contains nothing.
//
// Its JSON is {"start":…,"end":…} with RFC 3339 times; the capitalised keys
// of documents written earlier decode too (encoding/json ignores case).
type Span struct {
	// Start is the first instant in the span.
	Start time.Time `json:"start"`
	// End is the first instant after the span.
	End time.Time `json:"end"`
}

// NewSpan returns [start, end), or an error wrapping ErrInvalidSpan when end
// is before start. Equal instants give an empty span.
func NewSpan(start, end time.Time) (Span, error) {
	if end.Before(start) {
		return Span{}, fmt.Errorf("%w: end %s is before start %s", ErrInvalidSpan,
			end.Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))
	}
	return Span{Start: start, End: end}, nil
}

// Minutes returns the real elapsed time from Start to End in whole minutes,
// truncated toward zero: billing counts to the minute and never charges a
// started minute. It is elapsed time, not wall-clock difference, so a 30-day
// term across a spring-forward change is 43140 minutes. The count is exact
// for any pair of times (no time.Duration overflow past 292 years). A span
// built by hand with End before Start yields a negative count.
func (s Span) Minutes() int64 {
	if s.End.Before(s.Start) {
		return -Span{Start: s.End, End: s.Start}.Minutes()
	}
	secs := s.End.Unix() - s.Start.Unix()
	if s.End.Nanosecond() < s.Start.Nanosecond() {
		secs-- // borrow a second for the nanosecond part
	}
	return secs / 60
}

// Days returns Minutes()/1440 rounded half-up to 6 decimal places. It is for
// display only; prices use Minutes with MinutesPer30Days so no rounding
// happens before the money calculation.
func (s Span) Days() decimal.Decimal {
	return decimal.NewFromInt(s.Minutes()).DivRound(decimal.NewFromInt(minutesPerDay), 6)
}

// MonthFraction returns the span's exact share of a price quoted per 30
// days as the fraction Minutes() / MinutesPer30Days (not reduced).
func (s Span) MonthFraction() (num, den int64) {
	return s.Minutes(), MinutesPer30Days
}

// Split cuts the span at at into [Start, at) and [at, End). at must lie in
// the closed interval [Start, End], otherwise the error wraps ErrOutsideSpan.
// Because Minutes truncates, the two parts' minutes sum to the whole's or
// one less; they sum exactly when at is a whole number of minutes from Start.
func (s Span) Split(at time.Time) (Span, Span, error) {
	if at.Before(s.Start) || at.After(s.End) {
		return Span{}, Span{}, fmt.Errorf("%w: %s not in [%s, %s]", ErrOutsideSpan,
			at.Format(time.RFC3339Nano), s.Start.Format(time.RFC3339Nano), s.End.Format(time.RFC3339Nano))
	}
	return Span{Start: s.Start, End: at}, Span{Start: at, End: s.End}, nil
}

// Overlap returns the intersection of s and o and true when it is non-empty.
// Spans that only touch (one ends where the other starts) do not overlap,
// nor does an empty span overlap anything; then the result is the zero Span
// and false.
func (s Span) Overlap(o Span) (Span, bool) {
	start := s.Start
	if o.Start.After(start) {
		start = o.Start
	}
	end := s.End
	if o.End.Before(end) {
		end = o.End
	}
	if !start.Before(end) {
		return Span{}, false
	}
	return Span{Start: start, End: end}, true
}

// Contains reports whether Start <= t < End.
func (s Span) Contains(t time.Time) bool {
	return !t.Before(s.Start) && t.Before(s.End)
}

// Empty reports whether the span contains no instant (End is not after
// Start).
func (s Span) Empty() bool { return !s.End.After(s.Start) }

// Equal reports whether both spans have the same Start and End instants,
// ignoring time zone and monotonic clock readings; go-cmp uses it.
func (s Span) Equal(o Span) bool {
	return s.Start.Equal(o.Start) && s.End.Equal(o.End)
}

// String formats the span as "[start, end)" in RFC 3339.
func (s Span) String() string {
	return "[" + s.Start.Format(time.RFC3339) + ", " + s.End.Format(time.RFC3339) + ")"
}
