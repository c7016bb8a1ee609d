// Package money provides exact amounts of ISO 4217 currencies for billing:
// parsing, arithmetic, explicit rounding and exact splitting.
//
// # Values
//
// An Amount is an immutable value (a decimal number and a Currency). Methods
// return new Amounts and never change their receiver or arguments, so Amounts
// can be copied, compared with Equal (which go-cmp uses) and shared between
// goroutines. Amounts are never built from or converted to floating point:
// they come from text (New, Parse), minor units (FromMinor) or a
// decimal.Decimal (FromDecimal). They print and marshal to JSON as a string
// such as "181000 VND" or "12.50 USD", never as a JSON number. Operations on
// two currencies fail with a *CurrencyMismatchError that names both.
//
// The zero Amount means "no amount": it has no currency, prints as "" and
// fails with a currency mismatch when combined with a real amount, so a
// missing value cannot silently become zero of some currency.
//
// # Rounding
//
// Nothing is rounded implicitly. Add, Sub, Mul and MulInt are exact, and an
// Amount may carry more digits than its currency (a unit price of 7.7 VND per
// GB-hour). Round (to the currency's digits), RoundTo (to explicit places) and
// Div (a quotient) take a RoundingMode, all applied by one rule:
//
//   - HalfUp, the zero value and billing default: nearest, ties away from
//     zero (2.5 -> 3, -2.5 -> -3).
//   - HalfEven: nearest, ties to even (2.5 -> 2, 3.5 -> 4).
//   - Up: away from zero (2.1 -> 3, -2.1 -> -3).
//   - Down: toward zero (2.9 -> 2, -2.9 -> -2).
//
// No operation depends on shopspring/decimal's package-level settings such as
// DivisionPrecision; every division states its places.
//
// # Allocation
//
// Allocate and AllocateWeights split an amount into parts that always add up
// exactly to it. The amount must be whole minor units. Each part gets the
// floor of its exact share in minor units (negative amounts are split by
// magnitude and negated), and the leftover minor units, fewer than the number
// of parts, go one each to the parts with the largest remainders, ties to the
// lower index. So 100 VND split 1:1:1 is 34, 33, 33, and every part is within
// one minor unit of its exact share.
//
// # Currencies
//
// LookupCurrency accepts the upper-case codes of ISO 4217 List One that have a
// minor unit (see Currencies); each currency's digits drive Round, IsRounded,
// MinorUnits and allocation: VND and JPY 0, USD 2, KWD and BHD 3, CLF 4.
package money
