package vnpay_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
)

// A host wires VNPay: it sends the payer to the payment URL, and its IPN
// endpoint reads VNPay's GET, applies each event id once and answers with
// the JSON VNPay expects.
func Example() {
	g, err := vnpay.New(vnpay.Config{
		TmnCode:    "CLOUDB01",
		HashSecret: vnpay.Secret("SECRETKEY0123456789SECRETKEY0123"), // from the host's secret store
		ReturnURL:  "https://portal.example/vnpay/return",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	created := time.Date(2024, 5, 1, 3, 0, 0, 0, time.UTC) // the library's clock
	amount, _ := money.New("150000", "VND")
	redirect, err := g.CreatePayment(context.Background(), gateway.PaymentRequest{
		PaymentID: "pay_3k7q", AccountID: "acc_1", Amount: amount,
		Description: "Nạp tiền vào ví", CreatedAt: created, ClientIP: "203.0.113.7",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(redirect.URL)
	q := u.Query()
	fmt.Println(u.Host, q.Get("vnp_TxnRef"), q.Get("vnp_Amount"), q.Get("vnp_CreateDate"), q.Get("vnp_OrderInfo"))

	// The host's IPN endpoint.
	applied := map[string]bool{}
	ipn := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := g.ReadCallback(created, gateway.CallbackRequest{
			Method: r.Method, Query: r.URL.Query(), RawQuery: r.URL.RawQuery, Header: r.Header,
		})
		outcome := gateway.CallbackApplied
		switch {
		case errors.Is(err, vnpay.ErrNotFinal):
			outcome = gateway.CallbackDuplicate // nothing to apply yet; querydr settles it later
		case err != nil:
			outcome = gateway.CallbackRejected
		case applied[ev.ID]:
			outcome = gateway.CallbackDuplicate
		default:
			applied[ev.ID] = true
			fmt.Println("applied", ev.Type, ev.PaymentID, ev.Amount, ev.GatewayRef)
		}
		reply := g.Reply(outcome)
		w.Header().Set("Content-Type", reply.ContentType)
		w.WriteHeader(reply.Status)
		_, _ = w.Write(reply.Body)
	})

	// VNPay calls the IPN URL (simulated here with vnpaytest's signer).
	deliver := func(query string) {
		rec := httptest.NewRecorder()
		ipn.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://portal.example/vnpay/ipn?"+query, nil))
		fmt.Println(rec.Body.String())
	}
	paid := vnpaytest.SignQuery("SECRETKEY0123456789SECRETKEY0123", ipnParams(redirect.GatewayRef, "15000000", "00", "00"))
	deliver(paid)
	deliver(paid) // VNPay retries
	deliver(vnpaytest.SignQuery("a guess", ipnParams(redirect.GatewayRef, "15000000", "00", "00")))
	// Output:
	// sandbox.vnpayment.vn payZ5F3k7q 15000000 20240501100000 Nap tien vao vi
	// applied payment.succeeded pay_3k7q 150000 VND 14422574
	// {"RspCode":"00","Message":"Confirm Success"}
	// {"RspCode":"02","Message":"Order already confirmed"}
	// {"RspCode":"97","Message":"Invalid signature"}
}

// The payer's return to the merchant's site shows the result; the IPN
// settles it.
func ExampleGateway_VerifyReturn() {
	g, _ := vnpay.New(vnpay.Config{TmnCode: "CLOUDB01", HashSecret: vnpay.Secret("SECRETKEY0123456789SECRETKEY0123")})
	back, _ := url.ParseQuery(vnpaytest.SignQuery("SECRETKEY0123456789SECRETKEY0123", ipnParams("payZ5F3k7q", "15000000", "24", "02")))
	r, err := g.VerifyReturn(back) // the host passes r.URL.Query()
	if err != nil {
		fmt.Println("forged:", err)
		return
	}
	fmt.Println(r.PaymentID, r.State, r.Message)
	// Output:
	// pay_3k7q failed the customer cancelled the payment (VNPay code 24)
}

func ExampleTxnRef() {
	ref, _ := vnpay.TxnRef("pay_3k7q")
	id, ok := vnpay.PaymentID(ref)
	fmt.Println(ref, id, ok)
	// Output:
	// payZ5F3k7q pay_3k7q true
}
