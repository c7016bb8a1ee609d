package period_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

func TestTermSetCheck(t *testing.T) {
	daily := period.TermSet{Terms: period.StandardCycles(), Days: period.Bounds{Min: 1, Max: 365}}
	tests := []struct {
		name string
		set  period.TermSet
		term period.Term
		is   error // nil when sold
		msg  string
	}{
		{"the zero set sells 1 month", period.TermSet{}, period.Months(1), nil, ""},
		{"the zero set sells 36 months", period.TermSet{}, period.Months(36), nil, ""},
		{"7 months is not sold by default", period.TermSet{}, period.Months(7), period.ErrTermNotSold,
			"period: term 7 months is not sold; allowed: 1, 3, 6, 12, 24, 36 months"},
		{"1 day is not sold by default", period.TermSet{}, period.Days(1), period.ErrTermNotSold,
			"period: term 1 day is not sold; allowed: 1, 3, 6, 12, 24, 36 months"},
		{"2 months 3 days is not sold by default", period.TermSet{}, period.Term{Months: 2, Days: 3}, period.ErrTermNotSold,
			"period: term 2 months 3 days is not sold; allowed: 1, 3, 6, 12, 24, 36 months"},
		{"60 days is not 2 months", period.TermSet{}, period.Days(60), period.ErrTermNotSold,
			"period: term 60 days is not sold; allowed: 1, 3, 6, 12, 24, 36 months"},
		{"a malformed term is invalid, not unsold", period.TermSet{}, period.Months(-1), period.ErrInvalidTerm,
			"period: invalid term (months=-1 days=0): months must be 0..1200"},
		{"a days range sells 60 days", daily, period.Days(60), nil, ""},
		{"a days range sells its bounds, 365 days", daily, period.Days(365), nil, ""},
		{"a days range does not sell 366 days", daily, period.Days(366), period.ErrTermNotSold,
			"period: term 366 days is not sold; allowed: 1, 3, 6, 12, 24, 36 months; 1 to 365 days"},
		{"a days range does not sell months and days", daily, period.Term{Months: 1, Days: 1}, period.ErrTermNotSold,
			"period: term 1 month 1 day is not sold; allowed: 1, 3, 6, 12, 24, 36 months; 1 to 365 days"},
		{"a listed mixed term is sold", period.TermSet{Terms: []period.Term{{Months: 1, Days: 15}}}, period.Term{Months: 1, Days: 15}, nil, ""},
		{"a set of one month lists it in the singular", period.TermSet{Terms: []period.Term{period.Months(1)}}, period.Months(2), period.ErrTermNotSold,
			"period: term 2 months is not sold; allowed: 1 month"},
		{"exact days and a mixed term are listed", period.TermSet{Terms: []period.Term{period.Days(7), period.Months(1), period.Days(14), {Months: 1, Days: 15}}},
			period.Days(8), period.ErrTermNotSold, "period: term 8 days is not sold; allowed: 1 month; 7, 14 days; 1 month 15 days"},
		{"any term sells 2 months 3 days", period.TermSet{AnyTerm: true}, period.Term{Months: 2, Days: 3}, nil, ""},
		{"any term still refuses a malformed term", period.TermSet{AnyTerm: true}, period.Days(period.MaxTermDays + 1), period.ErrInvalidTerm,
			"period: invalid term (months=0 days=36501): days must be 0..36500"},
		{"a spans-only set sells no terms", period.TermSet{SpanMinutes: period.Bounds{Min: 60, Max: 1440}}, period.Months(1), period.ErrTermNotSold,
			"period: term 1 month is not sold; allowed: spans of 60 to 1440 minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set.Check(tt.term)
			assert.Equal(t, tt.is == nil, tt.set.Allows(tt.term), "Allows agrees with Check")
			if tt.is == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.is)
			assert.EqualError(t, err, tt.msg)
			var ns *period.NotSoldError
			if errors.As(err, &ns) {
				assert.Equal(t, tt.term, ns.Term, "the error carries the term asked")
				assert.Equal(t, tt.set.OrDefault(), ns.Allowed, "and what is allowed")
				assert.NotErrorIs(t, err, period.ErrInvalidTerm, "an unsold term is not a malformed one")
			}
		})
	}
}

func TestTermSetCheckSpan(t *testing.T) {
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	minutes := func(n int) period.Span {
		return period.Span{Start: start, End: start.Add(time.Duration(n) * time.Minute)}
	}
	hourly := period.TermSet{SpanMinutes: period.Bounds{Min: 60, Max: 43200}}
	tests := []struct {
		name string
		set  period.TermSet
		span period.Span
		msg  string // empty when sold
	}{
		{"a 90-minute span is sold within 60 to 43200 minutes", hourly, minutes(90), ""},
		{"the bounds are inclusive: 60 minutes", hourly, minutes(60), ""},
		{"59 minutes is too short", hourly, minutes(59), "period: a span of 59 minutes is not sold; allowed: spans of 60 to 43200 minutes"},
		{"30 days and a minute is too long", hourly, minutes(43201), "period: a span of 43201 minutes is not sold; allowed: spans of 60 to 43200 minutes"},
		{"the default set sells no spans", period.TermSet{}, minutes(90),
			"period: a span of 90 minutes is not sold; allowed: 1, 3, 6, 12, 24, 36 months"},
		{"an empty span is never sold", period.TermSet{SpanMinutes: period.Bounds{Min: 1, Max: 1}}, minutes(0),
			"period: a span of 0 minutes is not sold; allowed: spans of 1 minute"},
		{"a span ending before it starts is never sold", hourly, period.Span{Start: start, End: start.Add(-2 * time.Hour)},
			"period: a span of -120 minutes is not sold; allowed: spans of 60 to 43200 minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set.CheckSpan(tt.span)
			if tt.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, period.ErrTermNotSold)
			assert.EqualError(t, err, tt.msg)
			var ns *period.NotSoldError
			require.True(t, errors.As(err, &ns))
			assert.Equal(t, tt.span.Minutes(), ns.Minutes)
			assert.Equal(t, period.Term{}, ns.Term)
		})
	}
}

func TestTermSetValidate(t *testing.T) {
	tests := []struct {
		name string
		set  period.TermSet
		msg  string // empty when valid
	}{
		{"the zero set is valid", period.TermSet{}, ""},
		{"the default set is valid", period.DefaultTerms(), ""},
		{"days up to MaxTermDays are valid", period.TermSet{Days: period.Bounds{Min: 1, Max: period.MaxTermDays}}, ""},
		{"a malformed term is refused", period.TermSet{Terms: []period.Term{period.Months(1), {}}},
			"period: invalid term set: terms: period: invalid term (months=0 days=0): term must not be zero"},
		{"a repeated term is refused", period.TermSet{Terms: []period.Term{period.Months(1), period.Months(3), period.Months(1)}},
			"period: invalid term set: terms: 1 month is listed twice"},
		{"days from 0 are refused", period.TermSet{Days: period.Bounds{Max: 30}},
			"period: invalid term set: days: min must be at least 1"},
		{"days with max below min are refused", period.TermSet{Days: period.Bounds{Min: 30, Max: 7}},
			"period: invalid term set: days: max 7 is below min 30"},
		{"days beyond MaxTermDays are refused", period.TermSet{Days: period.Bounds{Min: 1, Max: period.MaxTermDays + 1}},
			"period: invalid term set: days: max must be at most 36500"},
		{"negative span minutes are refused", period.TermSet{SpanMinutes: period.Bounds{Min: -5, Max: 5}},
			"period: invalid term set: span minutes: min must be at least 1"},
		{"span minutes beyond MaxSpanMinutes are refused", period.TermSet{SpanMinutes: period.Bounds{Min: 1, Max: period.MaxSpanMinutes + 1}},
			"period: invalid term set: span minutes: max must be at most 52560000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.set.Validate()
			if tt.msg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, period.ErrInvalidTermSet)
			assert.EqualError(t, err, tt.msg)
			var tse *period.TermSetError
			require.True(t, errors.As(err, &tse))
		})
	}
	err := period.TermSet{Terms: []period.Term{{Months: -1}}}.Validate()
	require.ErrorIs(t, err, period.ErrInvalidTerm, "a malformed term keeps its cause")
}

func TestTermSetDefaultsAndCopies(t *testing.T) {
	assert.True(t, period.TermSet{Terms: []period.Term{}}.IsZero(), "an empty list is the default set")
	assert.Equal(t, period.DefaultTerms(), period.TermSet{}.OrDefault())
	assert.Equal(t, "1, 3, 6, 12, 24, 36 months", period.TermSet{}.String())
	assert.Equal(t, "any term; spans of 1 to 60 minutes", period.TermSet{AnyTerm: true, SpanMinutes: period.Bounds{Min: 1, Max: 60}}.String())

	d := period.DefaultTerms()
	d.Terms[0] = period.Months(7)
	assert.Equal(t, period.Months(1), period.DefaultTerms().Terms[0], "each call returns a fresh set")

	s := period.TermSet{Terms: []period.Term{period.Months(1)}}
	c := s.Clone()
	c.Terms[0] = period.Months(2)
	assert.Equal(t, period.Months(1), s.Terms[0], "Clone shares no slice")
	o := s.OrDefault()
	o.Terms[0] = period.Months(2)
	assert.Equal(t, period.Months(1), s.Terms[0], "OrDefault shares no slice")
}

func TestTermSetJSON(t *testing.T) {
	b, err := json.Marshal(period.TermSet{Days: period.Bounds{Min: 1, Max: 30}, SpanMinutes: period.Bounds{Min: 60, Max: 120}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"days":{"min":1,"max":30},"span_minutes":{"min":60,"max":120}}`, string(b))
	b, err = json.Marshal(period.TermSet{})
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(b), "the zero set (the default) writes nothing")

	s := period.TermSet{Terms: []period.Term{period.Months(1), {Months: 1, Days: 15}}, Days: period.Bounds{Min: 1, Max: 30}, AnyTerm: true}
	b, err = json.Marshal(s)
	require.NoError(t, err)
	var back period.TermSet
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s, back, "round-trips exactly")
}
