package pricing_test

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

func TestPostpaidCharge(t *testing.T) {
	tests := []struct {
		name                       string
		usage                      pricing.PostpaidUsage
		preTax, tax, coupon, total string
	}{
		{"181,000 for a 30-day month with 10% VAT is 181,000 + 18,100 = 199,100",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 30 * day, TaxRate: dec("0.1")},
			"181000", "18100", "0", "199100"},
		{"181,000 for a 31-day month is 187,033 (187,033.33) + 18,703 = 205,736",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 31 * day, TaxRate: dec("0.1")},
			"187033", "18703", "0", "205736"},
		{"100 GB at 5,544 per 30 days (7.7 per GB-hour) for 10 days is 184,800",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "5544"), Quantity: dec("100"), Minutes: 10 * day},
			"184800", "0", "0", "184800"},
		{"20% off 181,000 for 20 days is 96,533 (96,533.33); tax 9,653; coupon 50,000 leaves 56,186",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 20 * day,
				DiscountRate: dec("0.2"), TaxRate: dec("0.1"), Coupon: vnd(t, "50000")},
			"96533", "9653", "50000", "56186"},
		{"a 500,000 coupon on a 106,186 bill is capped at 106,186, total 0",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 20 * day,
				DiscountRate: dec("0.2"), TaxRate: dec("0.1"), Coupon: vnd(t, "500000")},
			"96533", "9653", "106186", "0"},
		{"a 100,000 coupon above pre-tax but below the 106,186 bill is used in full, leaving 6,186",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 20 * day,
				DiscountRate: dec("0.2"), TaxRate: dec("0.1"), Coupon: vnd(t, "100000")},
			"96533", "9653", "100000", "6186"},
		{"3 × 100 for 7,000 minutes rounds once at the end: 48.6 → 49, not 3 × 16",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "100"), Quantity: dec("3"), Minutes: 7000},
			"49", "0", "0", "49"},
		{"a unit price of 7.7 for 30 days is 7.7, billed 8",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "7.7"), Quantity: dec("1"), Minutes: 30 * day},
			"8", "0", "0", "8"},
		{"zero minutes cost nothing, and a coupon on nothing is capped at 0",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 0, TaxRate: dec("0.1"), Coupon: vnd(t, "1000")},
			"0", "0", "0", "0"},
		{"a 100% discount leaves 0",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 30 * day, DiscountRate: dec("1")},
			"0", "0", "0", "0"},
		{"the longest month, 31 days and an hour, is accepted: 187,285 (187,284.72)",
			pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: pricing.MaxPostpaidMinutes},
			"187285", "0", "0", "187285"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := pricing.PostpaidCharge(tt.usage)
			require.NoError(t, err)
			assert.Equal(t, []string{tt.preTax, tt.tax, tt.coupon, tt.total}, amounts(b.PreTax, b.Tax, b.Coupon, b.Total))
			// total = pre-tax + tax − coupon, exactly.
			requireEqualAmount(t, b.Total, sub(t, add(t, b.PreTax, b.Tax), b.Coupon), "identity")
		})
	}
}

func TestPostpaidUSD(t *testing.T) {
	b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: amt(t, "12.34", "USD"), Quantity: dec("2"),
		Minutes: 15 * day, TaxRate: dec("0.075"), Coupon: amt(t, "1.00", "USD")})
	require.NoError(t, err)
	// 12.34 × 2 × 15/30 = 12.34; tax 0.9255 → 0.93; total 12.34 + 0.93 − 1.00 = 12.27.
	assert.Equal(t, []string{"12.34", "0.93", "1", "12.27"}, amounts(b.PreTax, b.Tax, b.Coupon, b.Total))
	assert.Equal(t, "USD", b.Total.Currency().Code())
}

func TestPostpaidBreakdown(t *testing.T) {
	b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 20 * day,
		DiscountRate: dec("0.2"), TaxRate: dec("0.1"), Coupon: vnd(t, "50000")})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"28800 minutes × 181,000 × 1 × (1 − 20%) ÷ 43,200 = 96,533",
		"tax 10% of 96,533: 9,653",
		"coupon: −50,000",
	}, b.Breakdown)
}

func TestPostpaidRefusesBadInput(t *testing.T) {
	good := func() pricing.PostpaidUsage {
		return pricing.PostpaidUsage{UnitPrice: vnd(t, "181000"), Quantity: dec("1"), Minutes: 100, TaxRate: dec("0.1")}
	}
	tests := []struct {
		name string
		edit func(u *pricing.PostpaidUsage)
		is   []error
	}{
		{"a negative unit price is refused", func(u *pricing.PostpaidUsage) { u.UnitPrice = vnd(t, "-1") }, []error{pricing.ErrInvalidPrice}},
		{"a unit price without a currency is refused", func(u *pricing.PostpaidUsage) { u.UnitPrice = money.Amount{} }, []error{pricing.ErrInvalidPrice}},
		{"a negative quantity is refused", func(u *pricing.PostpaidUsage) { u.Quantity = dec("-1") }, []error{pricing.ErrInvalidQuantity}},
		{"-1 minutes are refused", func(u *pricing.PostpaidUsage) { u.Minutes = -1 }, []error{pricing.ErrInvalidPeriod}},
		{"44,701 minutes are more than a month", func(u *pricing.PostpaidUsage) { u.Minutes = pricing.MaxPostpaidMinutes + 1 }, []error{pricing.ErrInvalidPeriod}},
		{"a discount of 110% is refused", func(u *pricing.PostpaidUsage) { u.DiscountRate = dec("1.1") }, []error{pricing.ErrInvalidRate}},
		{"a tax rate of -10% is refused", func(u *pricing.PostpaidUsage) { u.TaxRate = dec("-0.1") }, []error{pricing.ErrInvalidRate}},
		{"a USD coupon on a VND bill is refused", func(u *pricing.PostpaidUsage) { u.Coupon = amt(t, "1", "USD") },
			[]error{pricing.ErrInvalidDiscount, money.ErrCurrencyMismatch}},
		{"a negative coupon is refused", func(u *pricing.PostpaidUsage) { u.Coupon = vnd(t, "-1") }, []error{pricing.ErrInvalidDiscount}},
		{"a coupon of 0.5 VND is refused", func(u *pricing.PostpaidUsage) { u.Coupon = vnd(t, "0.5") },
			[]error{pricing.ErrInvalidDiscount, money.ErrNotRounded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := good()
			tt.edit(&u)
			_, err := pricing.PostpaidCharge(u)
			require.Error(t, err)
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
		})
	}
}

func TestBandwidthGB(t *testing.T) {
	tests := []struct {
		name       string
		bytes, per int64
		want       int64
	}{
		{"1,999,999,999 bytes are 1 GB, rounded down", 1_999_999_999, pricing.BytesPerGB, 1},
		{"2,000,000,000 bytes are 2 GB", 2_000_000_000, pricing.BytesPerGB, 2},
		{"999,999,999 bytes are 0 GB", 999_999_999, pricing.BytesPerGB, 0},
		{"0 bytes are 0 GB", 0, pricing.BytesPerGB, 0},
		{"2^30 − 1 bytes are 0 GiB", 1<<30 - 1, pricing.BytesPerGiB, 0},
		{"5 × 2^30 bytes are 5 GiB", 5 << 30, pricing.BytesPerGiB, 5},
		{"the largest int64 is 9,223,372,036 GB", 1<<63 - 1, pricing.BytesPerGB, 9_223_372_036},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pricing.BandwidthGB(tt.bytes, tt.per)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := pricing.BandwidthGB(-1, pricing.BytesPerGB)
	assert.ErrorIs(t, err, pricing.ErrInvalidQuantity, "negative bytes")
	_, err = pricing.BandwidthGB(10, 0)
	assert.ErrorIs(t, err, pricing.ErrInvalidQuantity, "zero bytes per GB")
}

func TestPostpaidFromCatalogPrice(t *testing.T) {
	// A postpaid vServer month uses the catalog's price per 30 days.
	c := sample(t)
	p, err := c.PricePer30Days(pricing.SampleVServer, config2x4x40())
	require.NoError(t, err)
	b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: p.Amount, Quantity: decimal.NewFromInt(2),
		Minutes: 15 * day, TaxRate: c.Tax().Rate})
	require.NoError(t, err)
	assert.Equal(t, []string{"181000", "18100", "199100"}, amounts(b.PreTax, b.Tax, b.Total))
}
