package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestRenewalPastYear9999IsARangeError(t *testing.T) {
	for _, basis := range []period.Basis{period.ThirtyDayMonths, period.CalendarMonths} {
		cal := newCal(t, hcm, basis)
		end := at(t, hcm, 9997, 6, 1, 9, 0)
		t.Run("36 months from 9997-06-01 on "+basis.String()+" is refused", func(t *testing.T) {
			span, err := lifecycle.RenewPeriod(cal, end, end.Add(-days(3)), period.Months(36))
			require.ErrorIs(t, err, period.ErrOutOfRange)
			var re *period.RangeError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, period.Months(36), re.Term)
			assert.Equal(t, period.Span{}, span)
		})
		t.Run("12 months from 9997-06-01 on "+basis.String()+" is still fine", func(t *testing.T) {
			span, err := lifecycle.RenewPeriod(cal, end, end.Add(-days(3)), period.Months(12))
			require.NoError(t, err)
			assert.Equal(t, 9998, span.End.Year())
		})
	}
}

func TestMatchEndTimePastYear9999IsARangeError(t *testing.T) {
	now := at(t, hcm, 9999, 1, 1, 9, 0)
	ends := []time.Time{now.Add(days(10))}
	t.Run("a target of 10000-01-01 is refused", func(t *testing.T) {
		spans, err := lifecycle.MatchEndTime(ends, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), now)
		require.ErrorIs(t, err, period.ErrOutOfRange)
		assert.Nil(t, spans)
	})
	t.Run("a target of exactly period.MaxEnd is accepted", func(t *testing.T) {
		spans, err := lifecycle.MatchEndTime(ends, period.MaxEnd(), now)
		require.NoError(t, err)
		require.Len(t, spans, 1)
		assert.True(t, spans[0].End.Equal(period.MaxEnd()))
	})
}
