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

func TestMaxEndKeepsAFourDigitYearInEveryZone(t *testing.T) {
	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Etc/GMT-14", "Pacific/Pago_Pago", "Etc/GMT+12", period.DefaultTimeZone} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			local := period.MaxEnd().In(loc)
			assert.Equal(t, 9999, local.Year())
			_, err = json.Marshal(local)
			require.NoError(t, err, "an end at MaxEnd can be written as JSON")
		})
	}
	_, err := json.Marshal(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	require.Error(t, err, "year 10000 cannot, which is why the bound exists")
}

func TestAddTermBeyondYear9999IsARangeError(t *testing.T) {
	limit := period.MaxEnd()
	tests := []struct {
		name   string
		zone   string
		basis  period.Basis
		start  time.Time
		term   period.Term
		wantOK bool
	}{
		{"1 thirty-day month ending exactly at 9999-12-31 00:00 UTC is accepted", "UTC", period.ThirtyDayMonths, limit.AddDate(0, 0, -30), period.Months(1), true},
		{"1 thirty-day month ending one minute later is refused", "UTC", period.ThirtyDayMonths, limit.AddDate(0, 0, -30).Add(time.Minute), period.Months(1), false},
		{"36 months from 9997-06-01 on 30-day months is refused", period.DefaultTimeZone, period.ThirtyDayMonths, time.Date(9997, 6, 1, 9, 0, 0, 0, time.UTC), period.Months(36), false},
		{"36 calendar months from 9997-06-01 is refused", period.DefaultTimeZone, period.CalendarMonths, time.Date(9997, 6, 1, 9, 0, 0, 0, time.UTC), period.Months(36), false},
		{"12 calendar months from 9997-06-01 ends in 9998 and is accepted", period.DefaultTimeZone, period.CalendarMonths, time.Date(9997, 6, 1, 9, 0, 0, 0, time.UTC), period.Months(12), true},
		{"1200 months from 9950-01-01 is refused", "UTC", period.CalendarMonths, time.Date(9950, 1, 1, 0, 0, 0, 0, time.UTC), period.Months(1200), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end, err := newCal(t, tt.zone, tt.basis).AddTerm(tt.start, tt.term)
			if tt.wantOK {
				require.NoError(t, err)
				assert.False(t, end.After(limit))
				_, err = json.Marshal(end)
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, period.ErrOutOfRange)
			assert.False(t, errors.Is(err, period.ErrInvalidTerm), "the term itself is valid")
			assert.True(t, end.IsZero(), "the zero time, as for every AddTerm error")
			var re *period.RangeError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.term, re.Term)
			assert.True(t, re.Start.Equal(tt.start))
			assert.True(t, re.End.After(limit), "the end it would have had: %s", re.End)
		})
	}
}

func TestCheckEnd(t *testing.T) {
	require.NoError(t, period.CheckEnd(period.MaxEnd()))
	require.NoError(t, period.CheckEnd(time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC)))
	err := period.CheckEnd(period.MaxEnd().Add(time.Nanosecond))
	require.ErrorIs(t, err, period.ErrOutOfRange)
	var re *period.RangeError
	require.ErrorAs(t, err, &re)
	assert.True(t, re.Start.IsZero())
	assert.Equal(t, period.Term{}, re.Term)
}

func TestRangeErrorMessagesNameTheEndAndTheLimit(t *testing.T) {
	err := &period.RangeError{Start: time.Date(9997, 6, 1, 9, 0, 0, 0, time.UTC), Term: period.Months(36), End: time.Date(10000, 5, 1, 9, 0, 0, 0, time.UTC)}
	assert.Equal(t, "period: a term of 36 months from 9997-06-01T09:00:00Z ends 10000-05-01T09:00:00Z, after 9999-12-31T00:00:00Z", err.Error())
	err = &period.RangeError{End: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	assert.Equal(t, "period: end 10000-01-01T00:00:00Z is after 9999-12-31T00:00:00Z", err.Error())
}
