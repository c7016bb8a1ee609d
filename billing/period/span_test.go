package period_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/period"
)

func TestNewSpan(t *testing.T) {
	a := utc(2024, 1, 1, 0, 0, 0, 0)
	t.Run("end before start by 1ns is rejected", func(t *testing.T) {
		_, err := period.NewSpan(a, a.Add(-time.Nanosecond))
		require.ErrorIs(t, err, period.ErrInvalidSpan)
	})
	t.Run("end equal to start is an empty span", func(t *testing.T) {
		s := span(t, a, a)
		assert.True(t, s.Empty())
		assert.Equal(t, int64(0), s.Minutes())
		assert.False(t, s.Contains(a))
	})
	t.Run("the same instant in another zone is not before start", func(t *testing.T) {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		require.NoError(t, err)
		s := span(t, a, a.In(loc))
		assert.True(t, s.Empty())
	})
}

func TestSpanMinutes(t *testing.T) {
	start := utc(2024, 1, 1, 0, 0, 0, 0)
	tests := []struct {
		name string
		end  time.Time
		want int64
	}{
		{"60 days is 86400 minutes", start.AddDate(0, 0, 60), 86400},
		{"59 seconds is 0 minutes", start.Add(59 * time.Second), 0},
		{"1 minute less 1ns is 0 minutes", start.Add(time.Minute - time.Nanosecond), 0},
		{"1 minute is 1 minute", start.Add(time.Minute), 1},
		{"50 days 23:59:59.999 is 73439 minutes", start.Add(50*24*time.Hour + 23*time.Hour + 59*time.Minute + 59999*time.Millisecond), 73439},
		{"1000 years is counted exactly beyond time.Duration's 292 years", utc(3024, 1, 1, 0, 0, 0, 0), 365242 * 1440},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, span(t, start, tc.end).Minutes())
		})
	}
	t.Run("nanoseconds borrow: 00:00:00.9 to 00:01:00.1 is 0 minutes", func(t *testing.T) {
		s := span(t, utc(2024, 1, 1, 0, 0, 0, 900_000_000), utc(2024, 1, 1, 0, 1, 0, 100_000_000))
		assert.Equal(t, int64(0), s.Minutes())
	})
	t.Run("a hand-built reversed 90-second span is -1 minute", func(t *testing.T) {
		s := period.Span{Start: start.Add(90 * time.Second), End: start}
		assert.Equal(t, int64(-1), s.Minutes())
	})
}

func TestSpanDaysAndMonthFraction(t *testing.T) {
	start := utc(2024, 1, 1, 0, 0, 0, 0)
	tests := []struct {
		name    string
		length  time.Duration
		days    string
		minutes int64
	}{
		{"60 days displays 60", 60 * 24 * time.Hour, "60", 86400},
		{"1 minute displays 0.000694 (0.00069444 rounded)", time.Minute, "0.000694", 1},
		{"5 minutes displays 0.003472 (0.00347222 rounded)", 5 * time.Minute, "0.003472", 5},
		{"13 minutes displays 0.009028 (0.00902777 rounded up)", 13 * time.Minute, "0.009028", 13},
		{"9 minutes displays 0.00625 exactly", 9 * time.Minute, "0.00625", 9},
		{"12 hours displays 0.5", 12 * time.Hour, "0.5", 720},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := span(t, start, start.Add(tc.length))
			assert.True(t, decimal.RequireFromString(tc.days).Equal(s.Days()), "got %s", s.Days())
			num, den := s.MonthFraction()
			assert.Equal(t, tc.minutes, num)
			assert.Equal(t, int64(43200), den)
		})
	}
	t.Run("30 days is exactly one 30-day month", func(t *testing.T) {
		num, den := span(t, start, start.AddDate(0, 0, 30)).MonthFraction()
		assert.Equal(t, num, den)
		assert.Equal(t, int64(period.MinutesPer30Days), den)
	})
}

func TestSpanSplit(t *testing.T) {
	s := span(t, utc(2024, 1, 1, 0, 0, 0, 0), utc(2024, 3, 1, 0, 0, 0, 0))
	t.Run("split at 2024-02-10 gives 40 and 20 days", func(t *testing.T) {
		a, b, err := s.Split(utc(2024, 2, 10, 0, 0, 0, 0))
		require.NoError(t, err)
		assert.Equal(t, int64(40*1440), a.Minutes())
		assert.Equal(t, int64(20*1440), b.Minutes())
		assert.True(t, a.End.Equal(b.Start))
	})
	t.Run("split at the start gives an empty first part", func(t *testing.T) {
		a, b, err := s.Split(s.Start)
		require.NoError(t, err)
		assert.True(t, a.Empty())
		assert.True(t, b.Equal(s))
	})
	t.Run("split at the end gives an empty second part", func(t *testing.T) {
		a, b, err := s.Split(s.End)
		require.NoError(t, err)
		assert.True(t, a.Equal(s))
		assert.True(t, b.Empty())
	})
	t.Run("split 30 seconds into a minute loses one minute in total", func(t *testing.T) {
		whole := span(t, utc(2024, 1, 1, 0, 0, 0, 0), utc(2024, 1, 1, 0, 10, 0, 0))
		a, b, err := whole.Split(utc(2024, 1, 1, 0, 3, 30, 0))
		require.NoError(t, err)
		assert.Equal(t, int64(3), a.Minutes())
		assert.Equal(t, int64(6), b.Minutes())
		assert.Equal(t, int64(10), whole.Minutes())
	})
	for _, bad := range []time.Time{s.Start.Add(-time.Nanosecond), s.End.Add(time.Nanosecond)} {
		t.Run("split at "+bad.Format(time.RFC3339Nano)+" outside the span is rejected", func(t *testing.T) {
			_, _, err := s.Split(bad)
			require.ErrorIs(t, err, period.ErrOutsideSpan)
		})
	}
}

func TestSpanOverlapAndContains(t *testing.T) {
	d := func(day int) time.Time { return utc(2024, 1, day, 0, 0, 0, 0) }
	tests := []struct {
		name string
		a, b period.Span
		want period.Span
		ok   bool
	}{
		{"days 1-10 and 5-20 overlap on 5-10", period.Span{Start: d(1), End: d(10)}, period.Span{Start: d(5), End: d(20)}, period.Span{Start: d(5), End: d(10)}, true},
		{"days 1-20 contain 5-10 whole", period.Span{Start: d(1), End: d(20)}, period.Span{Start: d(5), End: d(10)}, period.Span{Start: d(5), End: d(10)}, true},
		{"days 1-10 and 10-20 only touch", period.Span{Start: d(1), End: d(10)}, period.Span{Start: d(10), End: d(20)}, period.Span{}, false},
		{"days 1-5 and 10-20 are apart", period.Span{Start: d(1), End: d(5)}, period.Span{Start: d(10), End: d(20)}, period.Span{}, false},
		{"empty span at day 5 does not overlap days 1-10", period.Span{Start: d(5), End: d(5)}, period.Span{Start: d(1), End: d(10)}, period.Span{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.a.Overlap(tc.b)
			assert.Equal(t, tc.ok, ok)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("a.Overlap(b) (-want +got):\n%s", diff)
			}
			back, okBack := tc.b.Overlap(tc.a)
			assert.Equal(t, ok, okBack)
			assert.True(t, got.Equal(back), "overlap is symmetric")
		})
	}
	s := period.Span{Start: d(1), End: d(10)}
	t.Run("days 1-10 contain day 1", func(t *testing.T) { assert.True(t, s.Contains(d(1))) })
	t.Run("days 1-10 contain the last nanosecond before day 10", func(t *testing.T) { assert.True(t, s.Contains(d(10).Add(-1))) })
	t.Run("days 1-10 do not contain day 10", func(t *testing.T) { assert.False(t, s.Contains(d(10))) })
	t.Run("days 1-10 do not contain the nanosecond before day 1", func(t *testing.T) { assert.False(t, s.Contains(d(1).Add(-1))) })
}

func TestSpanEqualAndString(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	require.NoError(t, err)
	a := period.Span{Start: utc(2024, 1, 1, 0, 0, 0, 0), End: utc(2024, 2, 1, 0, 0, 0, 0)}
	b := period.Span{Start: a.Start.In(loc), End: a.End.In(loc)}
	t.Run("the same instants in different zones are equal, also to go-cmp", func(t *testing.T) {
		assert.True(t, a.Equal(b))
		assert.True(t, cmp.Equal(a, b))
	})
	t.Run("spans 1ns apart are not equal", func(t *testing.T) {
		assert.False(t, a.Equal(period.Span{Start: a.Start, End: a.End.Add(1)}))
	})
	t.Run("a span prints half-open in RFC 3339", func(t *testing.T) {
		assert.Equal(t, "[2024-01-01T07:00:00+07:00, 2024-02-01T07:00:00+07:00)", b.String())
	})
}
