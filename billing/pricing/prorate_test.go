package pricing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

const day = 1440 // minutes

func TestProratedAmount(t *testing.T) {
	tests := []struct {
		name    string
		price   money.Amount
		minutes int64
		want    money.Amount
	}{
		{"181,000 per 30 days for 20 unused days refunds 120,667", vnd(t, "181000"), 20 * day, vnd(t, "120667")},
		{"19,800 per 30 days for 24 days is 15,840", vnd(t, "19800"), 24 * day, vnd(t, "15840")},
		{"520,000 for 50 days is 866,667", vnd(t, "520000"), 50 * day, vnd(t, "866667")},
		{"181,000 for 50 days is 301,667", vnd(t, "181000"), 50 * day, vnd(t, "301667")},
		{"520,000 for 20 days is 346,667", vnd(t, "520000"), 20 * day, vnd(t, "346667")},
		{"181,000 for 30 days is exactly 181,000", vnd(t, "181000"), 30 * day, vnd(t, "181000")},
		{"181,000 for 0 minutes is 0", vnd(t, "181000"), 0, vnd(t, "0")},
		{"21,600 for 1 minute is 0.5, rounded half-up to 1", vnd(t, "21600"), 1, vnd(t, "1")},
		{"21,599 for 1 minute is 0.49998, rounded to 0", vnd(t, "21599"), 1, vnd(t, "0")},
		{"a unit price of 7.7 for 30 days is 7.7, rounded to 8", vnd(t, "7.7"), 30 * day, vnd(t, "8")},
		{"10.00 USD for 1 day is 0.3333…, rounded to 0.33", amt(t, "10", "USD"), day, amt(t, "0.33", "USD")},
		{"10.000 KWD for 1 day is 0.333", amt(t, "10", "KWD"), day, amt(t, "0.333", "KWD")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pricing.ProratedAmount(tt.price, tt.minutes)
			require.NoError(t, err)
			requireEqualAmount(t, tt.want, got, "prorated")
			assert.True(t, got.IsRounded())
		})
	}
}

func TestResizeDifference(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		minutes  int64
		want     string
	}{
		{"upgrade 181,000 → 520,000 with 50 days left pays 866,667 − 301,667 = 565,000", "181000", "520000", 50 * day, "565000"},
		{"downgrade 520,000 → 181,000 with 20 days left refunds 120,667 − 346,667 = −226,000", "520000", "181000", 20 * day, "-226000"},
		{"a resize to the same price costs 0", "181000", "181000", 17 * day, "0"},
		{"a resize with 0 minutes left costs 0", "181000", "520000", 0, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pricing.ResizeDifference(vnd(t, tt.from), vnd(t, tt.to), tt.minutes)
			require.NoError(t, err)
			requireEqualAmount(t, vnd(t, tt.want), got, "difference")
		})
	}
}

func TestProrationRefusesBadInput(t *testing.T) {
	usd := amt(t, "10", "USD")
	tests := []struct {
		name string
		run  func() error
		is   error
	}{
		{"negative minutes are refused", func() error {
			_, err := pricing.ProratedAmount(vnd(t, "181000"), -1)
			return err
		}, pricing.ErrInvalidPeriod},
		{"a negative price is refused", func() error {
			_, err := pricing.ProratedAmount(vnd(t, "-1"), 10)
			return err
		}, pricing.ErrInvalidPrice},
		{"the zero Amount has no currency and is refused", func() error {
			_, err := pricing.ProratedAmount(money.Amount{}, 10)
			return err
		}, pricing.ErrInvalidPrice},
		{"a resize from VND to USD is a currency mismatch", func() error {
			_, err := pricing.ResizeDifference(vnd(t, "181000"), usd, 10)
			return err
		}, money.ErrCurrencyMismatch},
		{"a resize with negative minutes is refused", func() error {
			_, err := pricing.ResizeDifference(vnd(t, "181000"), vnd(t, "520000"), -5)
			return err
		}, pricing.ErrInvalidPeriod},
		{"a resize to a negative price is refused", func() error {
			_, err := pricing.ResizeDifference(vnd(t, "181000"), vnd(t, "-520000"), 5)
			return err
		}, pricing.ErrInvalidPrice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.run(), tt.is)
		})
	}
}

func TestProratedAmountIsWithinHalfAUnit(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		currency := rapid.SampledFrom([]string{"VND", "USD", "KWD"}).Draw(t, "currency")
		price, err := money.FromDecimal(decimal.New(rapid.Int64Range(0, 1e12).Draw(t, "price"), -4), currency)
		if err != nil {
			t.Fatal(err)
		}
		minutes := rapid.Int64Range(0, 3660*day).Draw(t, "minutes")
		got, err := pricing.ProratedAmount(price, minutes)
		if err != nil {
			t.Fatal(err)
		}
		exact := price.Number().Mul(decimal.NewFromInt(minutes))
		scaled := got.Number().Mul(decimal.NewFromInt(43200))
		half := decimal.New(5, -int32(price.Currency().Digits())-1).Mul(decimal.NewFromInt(43200))
		if exact.Sub(scaled).Abs().GreaterThan(half) {
			t.Fatalf("%s × %d ÷ 43,200 rounded to %s", price.Number(), minutes, got.Number())
		}
		// More minutes never cost less.
		more, err := pricing.ProratedAmount(price, minutes+1)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := more.Cmp(got); c < 0 {
			t.Fatalf("%d minutes cost %s, one more costs %s", minutes, got.Number(), more.Number())
		}
	})
}
