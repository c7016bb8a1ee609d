package stripe

import (
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// stripeExponent is how many decimal places Stripe's integer amount of a
// currency counts, which is not always the ISO 4217 minor unit the library
// uses:
//
//   - Stripe's zero-decimal currencies (BIF CLP DJF GNF JPY KMF KRW MGA
//     PYG RWF UGX VND VUV XAF XOF XPF) take whole units: 500 JPY is 500,
//     150000 VND is 150000. MGA has 2 ISO digits, so an Ariary amount with
//     a fraction cannot be sent.
//   - ISK has 0 ISO digits but Stripe keeps it two-decimal: 5 ISK is 500,
//     and Stripe refuses amounts that are not a multiple of 100.
//   - The three-decimal currencies (BHD JOD KWD OMR TND) take thousandths,
//     and Stripe requires the last digit to be 0: 5.120 KWD is 5120, and
//     5.125 KWD is refused.
//   - Every other currency is two-decimal: 10.50 USD is 1050.
func stripeExponent(code string) int32 {
	switch code {
	case "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
		"PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "JOD", "KWD", "OMR", "TND":
		return 3
	}
	return 2
}

// toStripe returns a as Stripe's integer amount and its lower-case
// currency code, or a *gateway.RequestError naming field when Stripe
// cannot take it exactly: not positive, finer than the currency's Stripe
// unit (1.005 USD), a three-decimal amount whose last digit is not 0, or
// beyond int64. Nothing is ever rounded.
func toStripe(field string, a money.Amount) (int64, string, error) {
	code := a.Currency().Code()
	if code == "" {
		return 0, "", &gateway.RequestError{Field: field, Reason: "is missing"}
	}
	if !a.IsPositive() {
		return 0, "", &gateway.RequestError{Field: field, Reason: "is not positive"}
	}
	exp := stripeExponent(code)
	scaled := a.Number().Shift(exp)
	if !scaled.IsInteger() {
		return 0, "", &gateway.RequestError{Field: field, Reason: "has more decimal places than Stripe takes for " + code + " (" + strconv.Itoa(int(exp)) + ")"}
	}
	if !scaled.BigInt().IsInt64() {
		return 0, "", &gateway.RequestError{Field: field, Reason: "is too large"}
	}
	n := scaled.IntPart()
	if exp == 3 && n%10 != 0 {
		return 0, "", &gateway.RequestError{Field: field, Reason: "must be a whole number of hundredths of " + code + " (Stripe requires the last of three decimal digits to be 0)"}
	}
	return n, strings.ToLower(code), nil
}

// fromStripe returns Stripe's integer amount n of currency (as Stripe
// writes it, lower case) as a money.Amount: 1050 "usd" is 10.50 USD, 500
// "jpy" is 500 JPY. An unknown currency, a negative amount or one with
// more digits than the ISO currency has gives ok false.
func fromStripe(n int64, currency string) (money.Amount, bool) {
	code := strings.ToUpper(currency)
	if n < 0 || code == "" {
		return money.Amount{}, false
	}
	a, err := money.FromDecimal(decimal.New(n, -stripeExponent(code)), code)
	if err != nil || !a.IsRounded() {
		return money.Amount{}, false
	}
	return a, true
}
