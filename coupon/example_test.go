package coupon_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/coupon"
)

// A fixed 150,000 VND coupon on an order of a 1,000,000 vServer and a
// 500,000 vStorage is split by each resource's share: 100,000 + 50,000.
func ExampleEvaluate() {
	vnd := func(s string) money.Amount {
		a, err := money.New(s, "VND")
		if err != nil {
			panic(err) // the literals below are valid
		}
		return a
	}
	save := coupon.Coupon{
		Code:       "SAVE150K",
		Kind:       coupon.KindFixed,
		Amount:     vnd("150000"),
		Products:   []string{"vserver", "vstorage"},
		ValidUntil: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	}
	res, err := coupon.Evaluate(coupon.Request{
		Codes:     []string{" save150k "},
		Coupons:   []coupon.Coupon{save},
		AccountID: "acct-42",
		Action:    coupon.ActionCreate,
		Currency:  "VND",
		Now:       time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC),
		Lines: []coupon.Line{
			{Product: "vserver", Amount: vnd("1000000")},
			{Product: "vstorage", Amount: vnd("500000")},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range res.Applied {
		fmt.Println(a.Code, a.Amount, "split", a.Shares)
	}
	fmt.Println("total", res.Total)
	// Output:
	// SAVE150K 150000 VND split [100000 VND 50000 VND]
	// total 150000 VND
}

// A rejected coupon is an error that says why, for the customer, and carries
// a stable reason for the program.
func ExampleRejection() {
	spring := coupon.Coupon{
		Code:       "SPRING20",
		Kind:       coupon.KindPercent,
		Percent:    decimal.NewFromInt(20),
		ValidUntil: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
	}
	price, _ := money.New("181000", "VND")
	_, err := coupon.Evaluate(coupon.Request{
		Codes:     []string{"spring20"},
		Coupons:   []coupon.Coupon{spring},
		AccountID: "acct-42",
		Action:    coupon.ActionRenew,
		Currency:  "VND",
		Now:       time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC),
		Lines:     []coupon.Line{{Product: "vserver", Amount: price}},
	})
	fmt.Println(err)
	var rej *coupon.Rejection
	if errors.As(err, &rej) {
		fmt.Println(rej.Message())
		fmt.Println(rej.Reason, errors.Is(err, coupon.ErrRejected))
	}
	// Output:
	// coupon: coupon SPRING20 expired at 2026-03-31
	// coupon SPRING20 expired at 2026-03-31
	// expired true
}

// A redemption is reserved at checkout, then consumed when the payment
// succeeds; a consumed redemption cannot be consumed again.
func ExampleNextRedemption() {
	s := coupon.RedemptionReserved
	s, err := coupon.NextRedemption(s, coupon.RedemptionConsume)
	fmt.Println(s, err, s.Counts())
	_, err = coupon.NextRedemption(s, coupon.RedemptionConsume)
	fmt.Println(errors.Is(err, coupon.ErrIllegalTransition))
	// Output:
	// consumed <nil> true
	// true
}
