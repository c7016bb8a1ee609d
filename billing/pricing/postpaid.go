package pricing

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
)

// MaxPostpaidMinutes is the most minutes one monthly postpaid charge may
// cover: the longest calendar month (31 days) plus the hour a month gains
// when daylight saving time ends.
const MaxPostpaidMinutes = 31*minutesPerDay + 60

// Byte sizes of one billed gigabyte, for BandwidthGB. Which one a provider
// bills by is its policy.
const (
	// BytesPerGB is a decimal gigabyte, 10^9 bytes.
	BytesPerGB int64 = 1_000_000_000
	// BytesPerGiB is a binary gigabyte, 2^30 bytes.
	BytesPerGiB int64 = 1 << 30
)

// minutesPer30DaysText is formatInt(period.MinutesPer30Days), the divisor
// every postpaid breakdown shows.
const minutesPer30DaysText = "43,200"

// PostpaidUsage is one resource's use in one month, to be billed in
// arrears.
type PostpaidUsage struct {
	// UnitPrice is the price per 30 days of one unit; it may carry more
	// digits than the currency. Non-negative.
	UnitPrice money.Amount
	// Quantity is the number of units used (resources, GB, …); non-negative.
	Quantity decimal.Decimal
	// Minutes is how long the units ran this month, 0..MaxPostpaidMinutes.
	Minutes int64
	// DiscountRate is the fraction taken off before tax, 0 ≤ rate ≤ 1.
	DiscountRate decimal.Decimal
	// TaxRate is the tax rate on the discounted amount, 0 ≤ rate ≤ 1.
	TaxRate decimal.Decimal
	// Coupon is a fixed amount taken off after tax, in UnitPrice's currency
	// and whole minor units; the zero Amount means none.
	Coupon money.Amount
}

// PostpaidBill is the monthly charge of one resource. Total = PreTax + Tax
// − Coupon exactly, and Total ≥ 0.
type PostpaidBill struct {
	// PreTax is minutes × unit price × quantity × (1 − discount) ÷ 43,200,
	// computed exactly and rounded half-up once.
	PreTax money.Amount
	// Tax is PreTax × tax rate, rounded half-up.
	Tax money.Amount
	// Coupon is the coupon amount used: the requested coupon, capped at
	// PreTax + Tax so the bill never goes negative.
	Coupon money.Amount
	// Total is what the customer owes.
	Total money.Amount
	// Breakdown says, for people, what was multiplied by what.
	Breakdown []string
	// Explain is Breakdown as numbers (invoice.Detail), one for each of
	// its texts, for documents in other languages.
	Explain []invoice.Detail
}

// PostpaidCharge computes the monthly postpaid bill of one resource from u.
// Errors: ErrInvalidPrice for a negative unit price or one without a
// currency; ErrInvalidQuantity for a negative quantity; ErrInvalidPeriod for
// minutes outside 0..MaxPostpaidMinutes; ErrInvalidRate for a rate outside
// 0..1; a *DiscountError for a negative or unrounded coupon or one in
// another currency (matching money.ErrCurrencyMismatch).
func PostpaidCharge(u PostpaidUsage) (PostpaidBill, error) {
	if err := checkPrice(u.UnitPrice); err != nil {
		return PostpaidBill{}, err
	}
	if u.Quantity.IsNegative() {
		return PostpaidBill{}, &QuantityError{Quantity: u.Quantity.String(), Reason: "must not be negative"}
	}
	if u.Minutes < 0 || u.Minutes > MaxPostpaidMinutes {
		return PostpaidBill{}, fmt.Errorf("%w: %d minutes is not in 0..%d", ErrInvalidPeriod, u.Minutes, MaxPostpaidMinutes)
	}
	for _, r := range []struct {
		name string
		rate decimal.Decimal
	}{{"discount", u.DiscountRate}, {"tax", u.TaxRate}} {
		if r.rate.IsNegative() || aboveOne(r.rate) {
			return PostpaidBill{}, fmt.Errorf("%w: %s rate %s is not in [0, 1]", ErrInvalidRate, r.name, r.rate)
		}
	}
	cur := u.UnitPrice.Currency()
	coupon := u.Coupon
	if coupon.Currency().IsZero() && coupon.IsZero() {
		coupon = u.UnitPrice.Mul(decimal.Zero) // no coupon: zero in the price's currency
	}
	switch {
	case coupon.Currency() != cur:
		return PostpaidBill{}, &DiscountError{Reason: "coupon currency",
			Err: &money.CurrencyMismatchError{A: cur.Code(), B: coupon.Currency().Code()}}
	case coupon.IsNegative():
		return PostpaidBill{}, &DiscountError{Reason: "coupon " + coupon.Number().String() + " is negative"}
	case !coupon.IsRounded():
		return PostpaidBill{}, &DiscountError{Reason: "coupon " + coupon.Number().String() + " is not in whole minor units",
			Err: money.ErrNotRounded}
	}

	keep := oneMinus(u.DiscountRate)
	preTax, err := prorate(u.UnitPrice.Mul(u.Quantity).Mul(keep), u.Minutes)
	if err != nil {
		return PostpaidBill{}, err
	}
	if preTax.Currency() != cur {
		// Mul returns the zero Amount when a product leaves money's range.
		return PostpaidBill{}, fmt.Errorf("pricing: postpaid: %w: product out of range", money.ErrOverflow)
	}
	tax := preTax.Mul(u.TaxRate).Round(money.HalfUp)
	var k money.Calc
	gross := k.Add(preTax, tax)
	if k.Cmp(coupon, gross) > 0 {
		coupon = gross
	}
	total := k.Sub(gross, coupon)
	if k.Err() != nil {
		return PostpaidBill{}, fmt.Errorf("pricing: postpaid: %w", k.Err())
	}

	// Each number is built once and shared by the text and the
	// explanation: decimals are immutable.
	priceN, preTaxN, taxN := u.UnitPrice.Number(), preTax.Number(), tax.Number()
	preTaxText := formatNumber(preTaxN)
	discount := ""
	if !u.DiscountRate.IsZero() {
		discount = " × (1 − " + percent(u.DiscountRate) + ")"
	}
	line := strconv.FormatInt(u.Minutes, 10) + " minutes × " + formatNumber(priceN) + " × " + formatNumber(u.Quantity) +
		discount + " ÷ " + minutesPer30DaysText + " = " + preTaxText
	n := 2
	if !coupon.IsZero() {
		n = 3
	}
	breakdown := make([]string, 2, n)
	breakdown[0], breakdown[1] = line, "tax "+percent(u.TaxRate)+" of "+preTaxText+": "+formatNumber(taxN)
	explain := make([]invoice.Detail, 2, n)
	explain[0] = invoice.Detail{Kind: invoice.DetailPostpaid, Minutes: u.Minutes, Price: priceN, Quantity: u.Quantity,
		Rate: u.DiscountRate, Amount: preTaxN}
	explain[1] = taxExplain(false, u.TaxRate, preTaxN, taxN)
	if !coupon.IsZero() {
		couponN := coupon.Number()
		breakdown = append(breakdown, "coupon: −"+formatNumber(couponN))
		explain = append(explain, invoice.Detail{Kind: invoice.DetailCoupon, Amount: couponN})
	}
	return PostpaidBill{PreTax: preTax, Tax: tax, Coupon: coupon, Total: total, Breakdown: breakdown, Explain: explain}, nil
}

// aboveOne reports whether r > 1, as r.GreaterThan(decimal.NewFromInt(1))
// does, without building decimals for the usual rates (at most 18 digits
// and places).
func aboveOne(r decimal.Decimal) bool {
	if e := r.Exponent(); e <= 0 && e >= -18 && r.NumDigits() <= 18 {
		return r.CoefficientInt64() > pow10(-e)
	}
	return r.GreaterThan(decimal.NewFromInt(1))
}

// oneMinus returns 1 − r exactly as decimal.NewFromInt(1).Sub(r) does, the
// same coefficient and exponent, with one big.Int instead of several for a
// rate 0 ≤ r ≤ 1 of at most 18 places.
func oneMinus(r decimal.Decimal) decimal.Decimal {
	if e := r.Exponent(); e <= 0 && e >= -18 && r.NumDigits() <= 18 && !r.IsNegative() && !aboveOne(r) {
		return decimal.New(pow10(-e)-r.CoefficientInt64(), e)
	}
	return decimal.NewFromInt(1).Sub(r)
}

// pow10 returns 10^n for 0 ≤ n ≤ 18, the powers an int64 holds.
func pow10(n int32) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// BandwidthGB converts transferred bytes to billed gigabytes of bytesPerGB
// bytes (BytesPerGB or BytesPerGiB), rounded down to whole gigabytes: a
// started gigabyte is not billed. Negative bytes or a non-positive
// bytesPerGB give an error matching ErrInvalidQuantity.
func BandwidthGB(bytes, bytesPerGB int64) (int64, error) {
	if bytes < 0 {
		return 0, &QuantityError{Quantity: strconv.FormatInt(bytes, 10), Reason: "bytes must not be negative"}
	}
	if bytesPerGB <= 0 {
		return 0, &QuantityError{Quantity: strconv.FormatInt(bytesPerGB, 10), Reason: "bytes per GB must be positive"}
	}
	return bytes / bytesPerGB, nil
}
