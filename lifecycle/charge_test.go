package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
)

func TestResizeChargeWithTheBriefsNumbers(t *testing.T) {
	end := at(t, hcm, 2024, 6, 30, 12, 0)
	tests := []struct {
		name       string
		oldP, newP string
		now        time.Time
		want       string
	}{
		{"upgrade 181,000 → 520,000 with 50 days left pays 866,667 − 301,667 = 565,000", "181000", "520000", end.Add(-days(50)), "565000"},
		{"downgrade 520,000 → 181,000 with 20 days left is −226,000 (120,667 − 346,667)", "520000", "181000", end.Add(-days(20)), "-226000"},
		{"upgrade 90,000 → 180,000 with 15 days left pays 45,000", "90000", "180000", end.Add(-days(15)), "45000"},
		{"same price 181,000 → 181,000 with 10 days left costs 0", "181000", "181000", end.Add(-days(10)), "0"},
		{"upgrade with 59 seconds left counts 0 minutes and costs 0", "181000", "520000", end.Add(-59 * time.Second), "0"},
		{"upgrade 0 → 43,200 with 1 minute and 59 seconds left counts 1 minute: 1", "0", "43200", end.Add(-119 * time.Second), "1"},
		{"upgrade 0 → 21,600 with 1 minute left rounds 0.5 half-up to 1", "0", "21600", end.Add(-time.Minute), "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lifecycle.ResizeCharge(vnd(t, tt.oldP), vnd(t, tt.newP), tt.now, end)
			require.NoError(t, err)
			assert.Equal(t, vnd(t, tt.want).String(), got.String())
		})
	}
}

func TestResizeChargeIsMinuteExactAcrossDST(t *testing.T) {
	// 2024-03-01 09:00 EST to 2024-03-31 09:00 EDT is 30 calendar days but
	// 43,140 minutes: the lost hour is not charged.
	now := at(t, nyc, 2024, 3, 1, 9, 0)
	end := at(t, nyc, 2024, 3, 31, 9, 0)
	got, err := lifecycle.ResizeCharge(vnd(t, "0"), vnd(t, "43200"), now, end)
	require.NoError(t, err)
	assert.Equal(t, "43140 VND", got.String())
}

func TestResizeChargeRefusesBadInput(t *testing.T) {
	end := at(t, hcm, 2024, 6, 30, 12, 0)
	usd, err := money.New("10", "USD")
	require.NoError(t, err)
	tests := []struct {
		name       string
		oldP, newP money.Amount
		now, end   time.Time
		wantErr    error
	}{
		{"resizing at the end itself is refused: the term has ended", vnd(t, "1"), vnd(t, "2"), end, end, lifecycle.ErrTermEnded},
		{"resizing 3 days after the end (in grace) is refused", vnd(t, "1"), vnd(t, "2"), end.Add(days(3)), end, lifecycle.ErrTermEnded},
		{"a zero now is refused", vnd(t, "1"), vnd(t, "2"), time.Time{}, end, lifecycle.ErrInvalidArgument},
		{"a zero end is refused", vnd(t, "1"), vnd(t, "2"), end, time.Time{}, lifecycle.ErrInvalidArgument},
		{"a negative old price is refused", vnd(t, "-1"), vnd(t, "2"), end.Add(-days(1)), end, pricing.ErrInvalidPrice},
		{"a price without a currency is refused", money.Amount{}, money.Amount{}, end.Add(-days(1)), end, pricing.ErrInvalidPrice},
		{"VND to USD is a currency mismatch", vnd(t, "1"), usd, end.Add(-days(1)), end, money.ErrCurrencyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lifecycle.ResizeCharge(tt.oldP, tt.newP, tt.now, tt.end)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
	_, err = lifecycle.ResizeCharge(vnd(t, "1"), vnd(t, "2"), end.Add(days(3)), end)
	var te *lifecycle.TimeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "resize", te.Op)
	assert.True(t, te.End.Equal(end))
}

func TestDeleteRefund(t *testing.T) {
	end := at(t, hcm, 2024, 6, 30, 12, 0)
	refund := lifecycle.DefaultPolicy()
	noRefund := lifecycle.DefaultPolicy()
	noRefund.RefundOnDelete = false
	tests := []struct {
		name   string
		price  string
		now    time.Time
		policy lifecycle.Policy
		want   string
	}{
		{"181,000 with 20 days unused refunds 120,667", "181000", end.Add(-days(20)), refund, "120667"},
		{"19,800 with 24 days unused refunds 15,840", "19800", end.Add(-days(24)), refund, "15840"},
		{"181,000 with 20 days unused refunds 0 when the product gives no refund", "181000", end.Add(-days(20)), noRefund, "0"},
		{"nothing is unused at the end itself", "181000", end, refund, "0"},
		{"nothing is unused in grace, 5 days after the end", "181000", end.Add(days(5)), refund, "0"},
		{"30 days unused refunds the whole 30-day price 181,000", "181000", end.Add(-days(30)), refund, "181000"},
		{"20 days less 30 seconds unused counts 28,799 minutes: 120,662.48 rounds to 120,662", "181000", end.Add(-days(20) + 30*time.Second), refund, "120662"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lifecycle.DeleteRefund(vnd(t, tt.price), tt.now, end, tt.policy)
			require.NoError(t, err)
			assert.Equal(t, vnd(t, tt.want).String(), got.String())
		})
	}
	t.Run("a negative price is refused even without refunds", func(t *testing.T) {
		_, err := lifecycle.DeleteRefund(vnd(t, "-5"), end.Add(-days(1)), end, noRefund)
		require.ErrorIs(t, err, pricing.ErrInvalidPrice)
	})
	t.Run("zero instants are refused", func(t *testing.T) {
		_, err := lifecycle.DeleteRefund(vnd(t, "5"), time.Time{}, end, refund)
		require.ErrorIs(t, err, lifecycle.ErrInvalidArgument)
		_, err = lifecycle.DeleteRefund(vnd(t, "5"), end, time.Time{}, refund)
		require.ErrorIs(t, err, lifecycle.ErrInvalidArgument)
	})
	t.Run("a USD refund keeps cents: 10.00 with 1 day unused is 0.33", func(t *testing.T) {
		usd, err := money.New("10.00", "USD")
		require.NoError(t, err)
		got, err := lifecycle.DeleteRefund(usd, end.Add(-days(1)), end, refund)
		require.NoError(t, err)
		assert.Equal(t, "0.33 USD", got.String())
	})
}

func TestRenewPeriodStartsAtTheCurrentEnd(t *testing.T) {
	thirty := newCal(t, hcm, period.ThirtyDayMonths)
	calendar := newCal(t, hcm, period.CalendarMonths)
	end := at(t, hcm, 2023, 4, 5, 9, 30)
	tests := []struct {
		name     string
		cal      period.Calendar
		end, now time.Time
		term     period.Term
		wantEnd  time.Time
	}{
		{"12 months from 2023-04-05 on 30-day months ends 2024-03-30, renewed early", thirty, end, end.Add(-days(10)), period.Months(12), at(t, hcm, 2024, 3, 30, 9, 30)},
		{"1 month renewed on day 20 of suspension still starts at the old end", thirty, end, end.Add(days(20)), period.Months(1), at(t, hcm, 2023, 5, 5, 9, 30)},
		{"1 calendar month from 2024-01-31 ends 2024-02-29", calendar, at(t, hcm, 2024, 1, 31, 9, 30), at(t, hcm, 2024, 1, 31, 9, 0), period.Months(1), at(t, hcm, 2024, 2, 29, 9, 30)},
		{"1 calendar month from 2024-10-31 ends 2024-11-30, not 2024-12-01", calendar, at(t, hcm, 2024, 10, 31, 9, 30), at(t, hcm, 2024, 11, 1, 0, 0), period.Months(1), at(t, hcm, 2024, 11, 30, 9, 30)},
		{"7 days renewed in grace 3 days after the end", thirty, end, end.Add(days(3)), period.Days(7), end.Add(days(7))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span, err := lifecycle.RenewPeriod(tt.cal, tt.end, tt.now, tt.term)
			require.NoError(t, err)
			assert.True(t, span.Start.Equal(tt.end), "starts at the current end %s, got %s", tt.end, span.Start)
			assert.Equal(t, tt.wantEnd.Format(time.RFC3339), span.End.Format(time.RFC3339))
		})
	}
}

func TestRenewPeriodRefusesBadInput(t *testing.T) {
	cal := newCal(t, hcm, period.CalendarMonths)
	end := at(t, hcm, 2024, 1, 31, 9, 30)
	tests := []struct {
		name     string
		end, now time.Time
		term     period.Term
		wantErr  error
	}{
		{"a negative term of -1 month is refused", end, end, period.Term{Months: -1}, period.ErrInvalidTerm},
		{"a zero term is refused", end, end, period.Term{}, period.ErrInvalidTerm},
		{"a zero current end is refused", time.Time{}, end, period.Months(1), lifecycle.ErrInvalidArgument},
		{"a zero now is refused", end, time.Time{}, period.Months(1), lifecycle.ErrInvalidArgument},
		{"1 month (to 2024-02-29) bought on 2024-02-29 at the new end buys nothing", end, at(t, hcm, 2024, 2, 29, 9, 30), period.Months(1), lifecycle.ErrRenewalInPast},
		{"7 days bought 10 days after the end would still be expired", end, end.Add(days(10)), period.Days(7), lifecycle.ErrRenewalInPast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lifecycle.RenewPeriod(cal, tt.end, tt.now, tt.term)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestMatchEndTimeExtendsEachResourceToTheTarget(t *testing.T) {
	now := at(t, hcm, 2024, 5, 1, 9, 0)
	target := at(t, hcm, 2024, 6, 30, 9, 0)
	ends := []time.Time{at(t, hcm, 2024, 6, 10, 9, 0), target, at(t, hcm, 2024, 4, 28, 9, 0)}
	spans, err := lifecycle.MatchEndTime(ends, target, now)
	require.NoError(t, err)
	require.Len(t, spans, 3)
	var minutes []int64
	for i, s := range spans {
		assert.True(t, s.Start.Equal(ends[i]))
		assert.True(t, s.End.Equal(target))
		minutes = append(minutes, s.Minutes())
	}
	assert.Equal(t, []int64{20 * 1440, 0, 63 * 1440}, minutes, "20 days, nothing, and 63 days for one in grace")

	cost, err := pricing.ProratedAmount(vnd(t, "181000"), spans[0].Minutes())
	require.NoError(t, err)
	assert.Equal(t, "120667 VND", cost.String(), "billed like a renewal to the minute")
}

func TestMatchEndTimeRefusesBadInput(t *testing.T) {
	now := at(t, hcm, 2024, 5, 1, 9, 0)
	target := at(t, hcm, 2024, 6, 30, 9, 0)
	tests := []struct {
		name        string
		ends        []time.Time
		target, now time.Time
		wantErr     error
	}{
		{"no resources", nil, target, now, lifecycle.ErrInvalidArgument},
		{"a zero end", []time.Time{target, {}}, target, now, lifecycle.ErrInvalidArgument},
		{"a zero target", []time.Time{target}, time.Time{}, now, lifecycle.ErrInvalidArgument},
		{"a zero now", []time.Time{target}, target, time.Time{}, lifecycle.ErrInvalidArgument},
		{"a target one minute before the second resource's end", []time.Time{now, target.Add(time.Minute)}, target, now, lifecycle.ErrTargetBeforeEnd},
		{"a target at now", []time.Time{now.Add(-days(3))}, now, now, lifecycle.ErrRenewalInPast},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			spans, err := lifecycle.MatchEndTime(tt.ends, tt.target, tt.now)
			require.ErrorIs(t, err, tt.wantErr)
			assert.Nil(t, spans)
		})
	}
	_, err := lifecycle.MatchEndTime([]time.Time{now, target.Add(time.Minute)}, target, now)
	var me *lifecycle.MatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, 1, me.Index)
}
