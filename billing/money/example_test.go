package money_test

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

func ExampleNew() {
	price, err := money.New("181000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(price)

	unit, _ := money.New("7.7", "VND") // a unit price may carry more digits than the currency
	fmt.Println(unit, unit.IsRounded())

	_, err = money.New("1,000", "VND")
	var pe *money.ParseError
	fmt.Println(errors.As(err, &pe), pe.Reason)
	// Output:
	// 181000 VND
	// 7.7 VND false
	// true digit separators are not accepted (offset 1)
}

// A coupon of 150,000 VND is spread over two invoice lines in proportion to
// their totals; the parts always add up to the coupon exactly.
func ExampleAmount_Allocate() {
	coupon, _ := money.New("150000", "VND")
	parts, err := coupon.Allocate(1000000, 500000)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(parts[0], "+", parts[1])

	third, _ := money.New("100", "VND")
	parts, _ = third.Allocate(1, 1, 1)
	fmt.Println(parts)
	// Output:
	// 100000 VND + 50000 VND
	// [34 VND 33 VND 33 VND]
}

func ExampleAmount_Round() {
	a, _ := money.New("0.125", "USD")
	for _, m := range []money.RoundingMode{money.HalfUp, money.HalfEven, money.Up, money.Down} {
		fmt.Println(m, a.Round(m), a.Neg().Round(m))
	}
	// Output:
	// HalfUp 0.13 USD -0.13 USD
	// HalfEven 0.12 USD -0.12 USD
	// Up 0.13 USD -0.13 USD
	// Down 0.12 USD -0.12 USD
}

// A monthly price is prorated per minute: the exact per-minute rate is
// multiplied by the minutes used and rounded once to the currency's digits.
func ExampleAmount_Div() {
	monthly, _ := money.New("590000", "VND")
	used := monthly.MulInt(10000) // 10,000 of 43,200 minutes
	charge, err := used.Div(decimal.NewFromInt(43200), 0, money.HalfUp)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(charge)
	// Output:
	// 136574 VND
}

func ExampleAmount_Add() {
	a, _ := money.New("12.50", "USD")
	b, _ := money.New("1000", "VND")
	_, err := a.Add(b)
	var mismatch *money.CurrencyMismatchError
	if errors.As(err, &mismatch) {
		fmt.Println(mismatch.A, mismatch.B)
	}
	// Output:
	// USD VND
}

func ExampleAmount_MarshalJSON() {
	a, _ := money.New("12.5", "USD")
	b, _ := a.MarshalJSON()
	fmt.Println(string(b))
	var back money.Amount
	_ = back.UnmarshalJSON(b)
	fmt.Println(back.Equal(a))
	// Output:
	// "12.50 USD"
	// true
}
