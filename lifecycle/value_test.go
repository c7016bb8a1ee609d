package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// fataler is what both *testing.T and *rapid.T offer.
type fataler interface{ Fatal(args ...any) }

func vndOf(t fataler, n int64) money.Amount {
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func minorOf(t fataler, a money.Amount) int64 {
	n, err := a.MinorUnits()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var t0 = time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func TestUnusedValueIsProRataToTheMinute(t *testing.T) {
	seg := lifecycle.ValueSegment{From: t0, End: t0.Add(30 * day), Value: vndOf(t, 199_100), List: vndOf(t, 199_100)}
	for _, tc := range []struct {
		name string
		at   time.Time
		want int64
	}{
		{"before the term starts: all of it", t0.Add(-time.Hour), 199_100},
		{"at the start: all of it", t0, 199_100},
		{"20 of 30 days left: 199,100 × 28,800 ÷ 43,200 = 132,733", t0.Add(10 * day), 132_733},
		{"a started minute counts as used: 28,799 minutes left", t0.Add(10*day + 30*time.Second), 132_729},
		{"at the end: nothing", t0.Add(30 * day), 0},
		{"after the end: nothing", t0.Add(31 * day), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := seg.Unused(tc.at)
			require.NoError(t, err)
			assert.Equal(t, tc.want, minorOf(t, got))
		})
	}
}

func TestPaidValueSumsItsSegments(t *testing.T) {
	v, err := lifecycle.Rebase(t0, t0.Add(30*day), vndOf(t, 181_000), vndOf(t, 181_000))
	require.NoError(t, err)
	// A renewal bought early: its 30 days start when the term ends.
	v, err = v.Append(t0.Add(30*day), t0.Add(60*day), vndOf(t, 153_850), vndOf(t, 181_000))
	require.NoError(t, err)
	got, err := v.Unused("VND", t0.Add(10*day))
	require.NoError(t, err)
	assert.Equal(t, int64(120_667+153_850), minorOf(t, got), "20 days of the term plus the whole renewal")
	list, err := v.UnusedList("VND", t0.Add(10*day))
	require.NoError(t, err)
	assert.Equal(t, int64(120_667+181_000), minorOf(t, list))

	_, err = v.Append(t0, t0, vndOf(t, 1), vndOf(t, 1))
	require.ErrorIs(t, err, lifecycle.ErrInvalidArgument, "an empty segment")
	_, err = lifecycle.Rebase(t0, t0.Add(day), vndOf(t, -1), vndOf(t, 1))
	require.ErrorIs(t, err, lifecycle.ErrInvalidArgument, "a negative value")
	empty, err := lifecycle.Rebase(t0.Add(day), t0, vndOf(t, 5), vndOf(t, 5))
	require.NoError(t, err)
	assert.Empty(t, empty.Segments, "nothing remains past the end")
	free, err := lifecycle.Rebase(t0, t0.Add(30*day), vndOf(t, 0), vndOf(t, 181_000))
	require.NoError(t, err)
	require.Len(t, free.Segments, 1, "time got free still has its list price")
	r, err := lifecycle.DowngradeRefund(vndOf(t, 0), vndOf(t, 181_000), vndOf(t, 181_000), vndOf(t, 90_000))
	require.NoError(t, err)
	assert.True(t, r.IsZero(), "nothing paid, nothing back")
}

func TestDowngradeRefundIsScaledByTheShareOfListPaid(t *testing.T) {
	for _, tc := range []struct {
		name                           string
		unused, unusedList, oldL, newL int64
		want                           int64
	}{
		{"list price paid: the list difference 346,667 − 120,667", 346_667, 346_667, 346_667, 120_667, 226_000},
		{"half price paid: half the difference", 251_333, 502_667, 502_667, 174_967, 163_850},
		{"an upgrade refunds nothing", 100_000, 100_000, 100_000, 200_000, 0},
		{"nothing unused, nothing back", 0, 0, 100_000, 50_000, 0},
		{"never more than the unused value", 10, 10, 1_000_000, 0, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lifecycle.DowngradeRefund(vndOf(t, tc.unused), vndOf(t, tc.unusedList), vndOf(t, tc.oldL), vndOf(t, tc.newL))
			require.NoError(t, err)
			assert.Equal(t, tc.want, minorOf(t, got))
		})
	}
}

// Whatever sequence of downgrades and partial refunds happens, and
// whenever, the refunds of a resource add up to no more than what was
// paid for it.
func TestRefundsOfOneResourceNeverExceedWhatWasPaid(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		paid := rapid.Int64Range(0, 10_000_000).Draw(rt, "paid")
		list := paid + rapid.Int64Range(0, 10_000_000).Draw(rt, "discount")
		end := t0.Add(time.Duration(rapid.IntRange(1, 400*24*60).Draw(rt, "minutes")) * time.Minute)
		v, err := lifecycle.Rebase(t0, end, vndOf(rt, paid), vndOf(rt, list))
		if err != nil {
			rt.Fatal(err)
		}
		now, refunded := t0, int64(0)
		for range rapid.IntRange(0, 10).Draw(rt, "steps") {
			now = now.Add(time.Duration(rapid.IntRange(0, 60*24*60).Draw(rt, "advance")) * time.Minute)
			u, err := v.Unused("VND", now)
			if err != nil {
				rt.Fatal(err)
			}
			ul, err := v.UnusedList("VND", now)
			if err != nil {
				rt.Fatal(err)
			}
			var r money.Amount
			if rapid.Bool().Draw(rt, "downgrade") {
				oldL := minorOf(rt, ul)
				r, err = lifecycle.DowngradeRefund(u, ul, vndOf(rt, oldL), vndOf(rt, rapid.Int64Range(0, oldL).Draw(rt, "newList")))
			} else {
				r = vndOf(rt, rapid.Int64Range(0, minorOf(rt, u)).Draw(rt, "refund"))
			}
			if err != nil {
				rt.Fatal(err)
			}
			left, err := u.Sub(r)
			if err != nil || left.IsNegative() {
				rt.Fatalf("refund %s above the unused %s", r, u)
			}
			refunded += minorOf(rt, r)
			if v, err = lifecycle.Rebase(now, end, left, ul); err != nil {
				rt.Fatal(err)
			}
		}
		if refunded > paid {
			rt.Fatalf("refunded %d of %d paid", refunded, paid)
		}
	})
}
