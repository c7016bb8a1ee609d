package metering_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
)

func vnds(t testing.TB, ns ...string) []money.Amount {
	out := make([]money.Amount, len(ns))
	for i, n := range ns {
		out[i] = vnd(t, n)
	}
	return out
}

func nums(as ...money.Amount) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Number().String()
	}
	return out
}

func TestComputeHold(t *testing.T) {
	p := metering.DefaultHoldPolicy()
	tests := []struct {
		name string
		in   metering.HoldInput
		// estimate, required, held, change, shortage
		want      []string
		shortDays int
		stop      bool
	}{
		{"5,544 a day for 2 days: 11,088 so far + 3 × 5,544 = 27,720, all covered",
			metering.HoldInput{UsageSoFar: vnd(t, "11088"), CompleteDays: vnds(t, "5544", "5544"),
				AlreadyHeld: vnd(t, "0"), Available: vnd(t, "100000")},
			[]string{"5544", "27720", "27720", "27720", "0"}, 0, false},
		{"the estimate averages only the last 7 days: days 1..8 of 1,000 then 8,000 → (6 × 1,000 + 8,000)/7 = 2,000",
			metering.HoldInput{UsageSoFar: vnd(t, "15000"), CompleteDays: vnds(t, "1000", "1000", "1000", "1000", "1000", "1000", "1000", "8000"),
				AlreadyHeld: vnd(t, "20000"), Available: vnd(t, "0")},
			[]string{"2000", "21000", "20000", "0", "1000"}, 1, false},
		{"an average of 10/3 = 3.33 is rounded up to 4",
			metering.HoldInput{UsageSoFar: vnd(t, "10"), CompleteDays: vnds(t, "3", "3", "4"),
				AlreadyHeld: vnd(t, "0"), Available: vnd(t, "1000")},
			[]string{"4", "22", "22", "22", "0"}, 0, false},
		{"before the first complete day: 231 in 9 hours → 231 × 1,440 / 540 = 616 a day; hold 231 + 1,848 = 2,079",
			metering.HoldInput{UsageSoFar: vnd(t, "231"), ElapsedMinutes: 540, AlreadyHeld: vnd(t, "0"), Available: vnd(t, "5000")},
			[]string{"616", "2079", "2079", "2079", "0"}, 0, false},
		{"no minute elapsed: the estimate is 0",
			metering.HoldInput{UsageSoFar: vnd(t, "0"), AlreadyHeld: vnd(t, "0"), Available: vnd(t, "5000")},
			[]string{"0", "0", "0", "0", "0"}, 0, false},
		{"usage fell: the hold is released down to the requirement",
			metering.HoldInput{UsageSoFar: vnd(t, "1000"), CompleteDays: vnds(t, "500", "500"), AlreadyHeld: vnd(t, "9000"), Available: vnd(t, "0")},
			[]string{"500", "2500", "2500", "-6500", "0"}, 0, false},
		{"short credit holds what is there and asks for the rest: 4th short day",
			metering.HoldInput{UsageSoFar: vnd(t, "40000"), CompleteDays: vnds(t, "10000", "10000", "10000", "10000"),
				AlreadyHeld: vnd(t, "30000"), Available: vnd(t, "5000"), ShortDays: 3},
			[]string{"10000", "70000", "35000", "5000", "35000"}, 4, false},
		{"the 5th consecutive short day stops the service",
			metering.HoldInput{UsageSoFar: vnd(t, "50000"), CompleteDays: vnds(t, "10000", "10000", "10000", "10000", "10000"),
				AlreadyHeld: vnd(t, "35000"), Available: vnd(t, "0"), ShortDays: 4},
			[]string{"10000", "80000", "35000", "0", "45000"}, 5, true},
		{"negative available credit is treated as none",
			metering.HoldInput{UsageSoFar: vnd(t, "100"), CompleteDays: vnds(t, "100"), AlreadyHeld: vnd(t, "0"), Available: vnd(t, "-50")},
			[]string{"100", "400", "0", "0", "400"}, 1, false},
		{"a covered day ends the streak",
			metering.HoldInput{UsageSoFar: vnd(t, "100"), CompleteDays: vnds(t, "100"), AlreadyHeld: vnd(t, "0"), Available: vnd(t, "400"), ShortDays: 4},
			[]string{"100", "400", "400", "400", "0"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := metering.ComputeHold(p, tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, nums(h.Estimate, h.Required, h.Held, h.Change, h.Shortage))
			assert.Equal(t, tt.shortDays, h.ShortDays)
			assert.Equal(t, tt.stop, h.Stop)
		})
	}
}

func TestComputeHoldRefusesBadInput(t *testing.T) {
	p := metering.DefaultHoldPolicy()
	good := func() metering.HoldInput {
		return metering.HoldInput{UsageSoFar: vnd(t, "100"), AlreadyHeld: vnd(t, "0"), Available: vnd(t, "0")}
	}
	for name, edit := range map[string]func(*metering.HoldInput){
		"negative usage":           func(in *metering.HoldInput) { in.UsageSoFar = vnd(t, "-1") },
		"usage in USD, held VND":   func(in *metering.HoldInput) { in.UsageSoFar = usd(t, "1") },
		"half a dong held":         func(in *metering.HoldInput) { in.AlreadyHeld = vnd(t, "0.5") },
		"a negative day":           func(in *metering.HoldInput) { in.CompleteDays = vnds(t, "-1") },
		"negative elapsed minutes": func(in *metering.HoldInput) { in.ElapsedMinutes = -1 },
		"negative short days":      func(in *metering.HoldInput) { in.ShortDays = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			in := good()
			edit(&in)
			_, err := metering.ComputeHold(p, in)
			assert.ErrorIs(t, err, metering.ErrInvalidArgument)
		})
	}
	_, err := metering.ComputeHold(metering.HoldPolicy{}, good())
	assert.ErrorIs(t, err, metering.ErrInvalidPolicy, "the zero policy is not the default")
}

func TestSettleHold(t *testing.T) {
	tests := []struct {
		name, held, usage string
		want              []string // charged, released, owed
	}{
		{"usage 27,000 of a 35,000 hold: charge 27,000, release 8,000", "35000", "27000", []string{"27000", "8000", "0"}},
		{"usage 50,000 over a 35,000 hold: charge 35,000, 15,000 still owed", "35000", "50000", []string{"35000", "0", "15000"}},
		{"no usage releases everything", "35000", "0", []string{"0", "35000", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := metering.SettleHold(vnd(t, tt.held), vnd(t, tt.usage))
			require.NoError(t, err)
			assert.Equal(t, tt.want, nums(s.Charged, s.Released, s.Owed))
		})
	}
	_, err := metering.SettleHold(vnd(t, "1"), usd(t, "1"))
	assert.ErrorIs(t, err, money.ErrCurrencyMismatch)
}

func TestHoldIdentitiesProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := func(label string, lo, hi int64) money.Amount {
			a, err := money.FromMinor(rapid.Int64Range(lo, hi).Draw(t, label), "USD")
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		var days []money.Amount
		for i := range rapid.IntRange(0, 12).Draw(t, "days") {
			_ = i
			days = append(days, m("day", 0, 1_000_000))
		}
		in := metering.HoldInput{UsageSoFar: m("usage", 0, 10_000_000), CompleteDays: days,
			ElapsedMinutes: rapid.Int64Range(0, 44_700).Draw(t, "elapsed"), AlreadyHeld: m("held", 0, 10_000_000),
			Available: m("available", -1_000_000, 10_000_000), ShortDays: rapid.IntRange(0, 10).Draw(t, "short")}
		h, err := metering.ComputeHold(metering.DefaultHoldPolicy(), in)
		if err != nil {
			t.Fatal(err)
		}
		sum := func(as ...money.Amount) money.Amount {
			s, err := money.Sum("USD", as...)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if !sum(h.Held, h.Shortage).Equal(h.Required) {
			t.Fatalf("held %s + shortage %s != required %s", h.Held, h.Shortage, h.Required)
		}
		if !sum(in.AlreadyHeld, h.Change).Equal(h.Held) {
			t.Fatalf("already %s + change %s != held %s", in.AlreadyHeld, h.Change, h.Held)
		}
		if h.Held.IsNegative() || h.Shortage.IsNegative() || !h.Held.IsRounded() || !h.Estimate.IsRounded() {
			t.Fatalf("bad amounts %+v", h)
		}
		if c, _ := h.Change.Cmp(in.Available); c > 0 && in.Available.IsPositive() || (h.Change.IsPositive() && !in.Available.IsPositive()) {
			t.Fatalf("change %s exceeds available %s", h.Change, in.Available)
		}
		s, err := metering.SettleHold(h.Held, in.UsageSoFar)
		if err != nil {
			t.Fatal(err)
		}
		if !sum(s.Charged, s.Released).Equal(h.Held) || !sum(s.Charged, s.Owed).Equal(in.UsageSoFar) {
			t.Fatalf("settlement does not reconcile: %+v", s)
		}
	})
}
