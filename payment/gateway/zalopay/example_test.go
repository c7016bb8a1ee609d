package zalopay_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/zalopay"
)

// A payment through ZaloPay: create the order, send the payer to its
// order_url, then read ZaloPay's callback and answer it. The fake stands in
// for ZaloPay's sandbox.
func Example() {
	fake := newFake(exampleT{})
	defer fake.srv.Close()

	g, err := zalopay.New(zalopay.Config{
		AppID:       2553,
		Key1:        key1,
		Key2:        key2,
		Endpoint:    fake.srv.URL, // default: zalopay.SandboxEndpoint
		CallbackURL: "https://shop.example/zalopay/callback",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	price, _ := money.Parse("150000 VND")
	createdAt := time.Date(2024, 5, 1, 23, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	redirect, err := g.CreatePayment(context.Background(), gateway.PaymentRequest{
		PaymentID: "pay_0001", AccountID: "acct_1", Amount: price, CreatedAt: createdAt,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("app_trans_id", redirect.GatewayRef)

	cb := gateway.CallbackRequest{Method: http.MethodPost, Body: fake.pay(redirect.GatewayRef)}
	ev, err := g.ReadCallback(createdAt.Add(time.Minute), cb)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.PaymentID, ev.Amount)
	reply := g.Reply(gateway.CallbackApplied)
	fmt.Println(reply.Status, string(reply.Body))
	// Output:
	// app_trans_id 240501_pay_0001
	// payment.succeeded pay_0001 150000 VND
	// 200 {"return_code":1,"return_message":"success"}
}

// exampleT lets the fake run outside a test: a failure panics, and the
// example closes the server itself.
type exampleT struct{}

func (exampleT) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (exampleT) FailNow()                          { panic("failed") }
func (exampleT) Cleanup(func())                    {}
