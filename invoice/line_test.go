package invoice_test

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
)

func TestPriceLine(t *testing.T) {
	tests := []struct {
		name                                 string
		mode                                 invoice.TaxMode
		currency, qty, price, discount, rate string
		amount, net, tax, total              string
	}{
		{"2 × 90,000 VND less 20,000 at 10% exclusive is 160,000 + 16,000 = 176,000", invoice.TaxExclusive,
			"VND", "2", "90000", "20000", "0.1", "180000", "160000", "16000", "176000"},
		{"110,000 VND at 10% inclusive holds 10,000 tax on 100,000", invoice.TaxInclusive,
			"VND", "1", "110000", "", "0.1", "110000", "100000", "10000", "110000"},
		{"100,000 VND at 8% inclusive holds 7,407 tax (7,407.41 rounded)", invoice.TaxInclusive,
			"VND", "1", "100000", "", "0.08", "100000", "92593", "7407", "100000"},
		{"15 VND at 10% exclusive rounds the 1.5 tax half-up to 2", invoice.TaxExclusive,
			"VND", "1", "15", "", "0.1", "15", "15", "2", "17"},
		{"1,000.5 GB-hours at 7.7 VND is 7,703.85, billed 7,704", invoice.TaxExclusive,
			"VND", "1000.5", "7.7", "", "0", "7704", "7704", "0", "7704"},
		{"333 × 0.0125 USD is 4.1625, billed 4.16 plus 0.42 tax at 10%", invoice.TaxExclusive,
			"USD", "333", "0.0125", "", "0.1", "4.16", "4.16", "0.42", "4.58"},
		{"3 × 1.2345 KWD is 3.7035, billed 3.704 plus 0.185 tax at 5%", invoice.TaxExclusive,
			"KWD", "3", "1.2345", "", "0.05", "3.704", "3.704", "0.185", "3.889"},
		{"10.500 KWD at 5% inclusive holds 0.500 tax", invoice.TaxInclusive,
			"KWD", "1", "10.5", "", "0.05", "10.5", "10", "0.5", "10.5"},
		{"a discount equal to the amount makes the line free", invoice.TaxExclusive,
			"VND", "1", "50000", "50000", "0.1", "50000", "0", "0", "0"},
		{"zero quantity is a free line", invoice.TaxInclusive,
			"USD", "0", "9.99", "", "0.1", "0", "0", "0", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := priced(t, tt.mode, "item", tt.qty, tt.price, tt.discount, tt.rate, tt.currency)
			assert.True(t, amt(t, tt.amount, tt.currency).Equal(l.Amount), "Amount %s", l.Amount)
			assert.True(t, amt(t, tt.net, tt.currency).Equal(l.Net), "Net %s", l.Net)
			assert.True(t, amt(t, tt.tax, tt.currency).Equal(l.Tax), "Tax %s", l.Tax)
			assert.True(t, amt(t, tt.total, tt.currency).Equal(l.Total), "Total %s", l.Total)
			if tt.discount == "" {
				assert.True(t, l.Discount.IsZero() && l.Discount.Currency().Code() == tt.currency, "no discount is zero %s", tt.currency)
			}
		})
	}
}

func TestPriceLineRefusesBadInput(t *testing.T) {
	good := func() invoice.LineInput {
		return invoice.LineInput{Description: "x", Quantity: decimal.NewFromInt(1),
			UnitPrice: amt(t, "100", "VND"), TaxRate: decimal.Zero}
	}
	tests := []struct {
		name   string
		mode   invoice.TaxMode
		change func(*invoice.LineInput)
		is     error
		field  string
	}{
		{"an empty tax mode is refused", "", func(*invoice.LineInput) {}, invoice.ErrInvalidArgument, ""},
		{"a unit price without currency is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.UnitPrice = money.Amount{} }, invoice.ErrInvalidArgument, ""},
		{"a discount of 101 on 100 is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.Discount = amt(t, "101", "VND") }, invoice.ErrInvalidLine, "Discount"},
		{"a discount in USD on a VND line is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.Discount = amt(t, "1", "USD") }, money.ErrCurrencyMismatch, "Discount"},
		{"a discount of half a dong is refused", invoice.TaxInclusive,
			func(in *invoice.LineInput) { in.Discount = amt(t, "0.5", "VND") }, money.ErrNotRounded, "Discount"},
		{"a negative quantity is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.Quantity = decimal.NewFromInt(-1) }, invoice.ErrInvalidLine, "Quantity"},
		{"a quantity of 10^999999999 is refused before any arithmetic", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.Quantity = decimal.New(1, 999_999_999) }, invoice.ErrInvalidLine, "Quantity"},
		{"a rate of 1.5 is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.TaxRate = dec(t, "1.5") }, invoice.ErrInvalidLine, "TaxRate"},
		{"an empty description is refused", invoice.TaxExclusive,
			func(in *invoice.LineInput) { in.Description = "" }, invoice.ErrInvalidLine, "Description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.change(&in)
			_, err := invoice.PriceLine(in, tt.mode)
			require.ErrorIs(t, err, tt.is)
			if tt.field != "" {
				var le *invoice.LineError
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tt.field, le.Field)
				assert.Equal(t, -1, le.Index, "a single line has index -1")
			}
		})
	}
}

// validLine is a 10% exclusive VND line: 100,000 − 10,000 + 9,000 = 99,000.
func validLine(t testing.TB) invoice.Line {
	return priced(t, invoice.TaxExclusive, "vServer", "1", "100000", "10000", "0.1", "VND")
}

func TestNewRefusesEveryBadLine(t *testing.T) {
	vnd := func(s string) money.Amount { return amt(t, s, "VND") }
	tests := []struct {
		name   string
		mode   invoice.TaxMode
		change func(*invoice.Line)
		field  string
		is     error
	}{
		{"an empty description", invoice.TaxExclusive, func(l *invoice.Line) { l.Description = "" }, "Description", nil},
		{"a blank description", invoice.TaxExclusive, func(l *invoice.Line) { l.Description = " \t" }, "Description", nil},
		{"a description with a NUL", invoice.TaxExclusive, func(l *invoice.Line) { l.Description = "a\x00b" }, "Description", nil},
		{"a description of 2,001 bytes", invoice.TaxExclusive, func(l *invoice.Line) { l.Description = strings.Repeat("a", 2001) }, "Description", nil},
		{"a description that is not UTF-8", invoice.TaxExclusive, func(l *invoice.Line) { l.Description = "\xff" }, "Description", nil},
		{"a product with a NUL", invoice.TaxExclusive, func(l *invoice.Line) { l.Product = "v\x00server" }, "Product", nil},
		{"a unit that is not UTF-8", invoice.TaxExclusive, func(l *invoice.Line) { l.Unit = "\xff" }, "Unit", nil},
		{"a resource name of 2,001 bytes", invoice.TaxExclusive, func(l *invoice.Line) { l.ResourceName = strings.Repeat("a", 2001) }, "ResourceName", nil},
		{"a discount rate of 1.1", invoice.TaxExclusive, func(l *invoice.Line) { l.DiscountRate = decimal.RequireFromString("1.1") }, "DiscountRate", nil},
		{"a negative discount rate", invoice.TaxExclusive, func(l *invoice.Line) { l.DiscountRate = decimal.RequireFromString("-0.1") }, "DiscountRate", nil},
		{"a discount rate of 1e-100000", invoice.TaxExclusive, func(l *invoice.Line) { l.DiscountRate = decimal.New(1, -100000) }, "DiscountRate", nil},
		{"101 details", invoice.TaxExclusive, func(l *invoice.Line) { l.Details = make([]string, 101) }, "Details", nil},
		{"an empty detail", invoice.TaxExclusive, func(l *invoice.Line) { l.Details = []string{"ok", ""} }, "Details[1]", nil},
		{"a period with only a start", invoice.TaxExclusive, func(l *invoice.Line) { l.Period = period.Span{Start: t0} }, "Period", nil},
		{"a period ending at its start", invoice.TaxExclusive, func(l *invoice.Line) { l.Period = period.Span{Start: t0, End: t0} }, "Period", nil},
		{"an inverted period", invoice.TaxExclusive, func(l *invoice.Line) { l.Period = period.Span{Start: t0, End: t0.Add(-time.Minute)} }, "Period", nil},
		{"a quantity of -1", invoice.TaxExclusive, func(l *invoice.Line) { l.Quantity = decimal.NewFromInt(-1) }, "Quantity", nil},
		{"a quantity of 10^15 + 1", invoice.TaxExclusive, func(l *invoice.Line) { l.Quantity = decimal.NewFromInt(1_000_000_000_000_001) }, "Quantity", nil},
		{"a quantity with 19 decimal places", invoice.TaxExclusive, func(l *invoice.Line) { l.Quantity = decimal.New(1, -19) }, "Quantity", nil},
		{"a quantity with exponent -2^31", invoice.TaxExclusive, func(l *invoice.Line) { l.Quantity = decimal.New(7, -2147483648) }, "Quantity", nil},
		{"a unit price in USD", invoice.TaxExclusive, func(l *invoice.Line) { l.UnitPrice = amt(t, "1", "USD") }, "UnitPrice", money.ErrCurrencyMismatch},
		{"a unit price without currency", invoice.TaxExclusive, func(l *invoice.Line) { l.UnitPrice = money.Amount{} }, "UnitPrice", money.ErrCurrencyMismatch},
		{"a negative unit price", invoice.TaxExclusive, func(l *invoice.Line) { l.UnitPrice = vnd("-1") }, "UnitPrice", nil},
		{"a tax rate of 1.01", invoice.TaxExclusive, func(l *invoice.Line) { l.TaxRate = dec(t, "1.01") }, "TaxRate", nil},
		{"a tax rate of -0.1", invoice.TaxExclusive, func(l *invoice.Line) { l.TaxRate = dec(t, "-0.1") }, "TaxRate", nil},
		{"a tax rate with 11 decimal places", invoice.TaxExclusive, func(l *invoice.Line) { l.TaxRate = dec(t, "0.10000000001") }, "TaxRate", nil},
		{"a tax rate of 10^20", invoice.TaxExclusive, func(l *invoice.Line) { l.TaxRate = decimal.New(1, 20) }, "TaxRate", nil},
		{"an amount of half a dong", invoice.TaxExclusive, func(l *invoice.Line) { l.Amount = vnd("100000.5") }, "Amount", money.ErrNotRounded},
		{"an amount in USD", invoice.TaxExclusive, func(l *invoice.Line) { l.Amount = amt(t, "100000", "USD") }, "Amount", money.ErrCurrencyMismatch},
		{"an amount beyond int64 minor units", invoice.TaxExclusive, func(l *invoice.Line) { l.Amount = vnd("10000000000000000000") }, "Amount", money.ErrOverflow},
		{"a missing discount", invoice.TaxExclusive, func(l *invoice.Line) { l.Discount = money.Amount{} }, "Discount", money.ErrCurrencyMismatch},
		{"a negative discount", invoice.TaxExclusive, func(l *invoice.Line) { l.Discount = vnd("-10000") }, "Discount", nil},
		{"a negative tax", invoice.TaxExclusive, func(l *invoice.Line) { l.Tax = vnd("-1") }, "Tax", nil},
		{"net that is not amount − discount (exclusive)", invoice.TaxExclusive,
			func(l *invoice.Line) { l.Net = vnd("90001"); l.Tax = vnd("9000"); l.Total = vnd("99001") }, "Net", nil},
		{"total that is not net + tax", invoice.TaxExclusive, func(l *invoice.Line) { l.Total = vnd("99001") }, "Total", nil},
		{"tax of 8,999 where 10% of 90,000 is 9,000", invoice.TaxExclusive,
			func(l *invoice.Line) { l.Tax = vnd("8999"); l.Total = vnd("98999") }, "Tax", nil},
		{"a discount above the amount", invoice.TaxExclusive,
			func(l *invoice.Line) { l.Discount = vnd("100001") }, "Discount", nil},
		{"an exclusive line under the inclusive rules", invoice.TaxInclusive, func(*invoice.Line) {}, "Total", nil},
	}
	for _, tt := range tests {
		t.Run("new refuses "+tt.name, func(t *testing.T) {
			good := validLine(t)
			if tt.mode == invoice.TaxInclusive {
				good = priced(t, invoice.TaxInclusive, "vStorage", "1", "110000", "", "0.1", "VND")
			}
			bad := validLine(t)
			tt.change(&bad)
			_, err := invoice.New(invoice.Draft{
				ID: "inv_1", AccountID: "acc_1", ResourceID: "res_1", Currency: "VND", TaxMode: tt.mode,
				Lines: []invoice.Line{good, bad}, CreatedAt: t0,
			})
			require.ErrorIs(t, err, invoice.ErrInvalidLine)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
			var le *invoice.LineError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, 1, le.Index, "the error names the second line")
			assert.Equal(t, tt.field, le.Field, "%v", err)
		})
	}
}

func TestNewAcceptsHarmlessVariants(t *testing.T) {
	tests := []struct {
		name   string
		change func(*invoice.Line)
	}{
		{"a rate written with trailing zeros, 0.100000000000000", func(l *invoice.Line) { l.TaxRate = dec(t, "0.100000000000000") }},
		{"a non-periodic line with the zero period", func(l *invoice.Line) { l.Period = period.Span{} }},
		{"a unit price with more digits than the currency", func(l *invoice.Line) { l.UnitPrice = amt(t, "7.7", "VND") }},
		{"an amount written with a zero fraction, 100000.000", func(l *invoice.Line) { l.Amount = amt(t, "100000.000", "VND") }},
		{"a memo-like description with a newline and a tab", func(l *invoice.Line) { l.Description = "vServer\n\t2 vCPU" }},
	}
	for _, tt := range tests {
		t.Run("new accepts "+tt.name, func(t *testing.T) {
			l := validLine(t)
			tt.change(&l)
			inv, err := invoice.New(invoice.Draft{ID: "i", AccountID: "a", ResourceID: "r", Currency: "VND",
				TaxMode: invoice.TaxExclusive, Lines: []invoice.Line{l}, CreatedAt: t0})
			require.NoError(t, err)
			assert.True(t, amt(t, "99000", "VND").Equal(inv.Total))
		})
	}
}
