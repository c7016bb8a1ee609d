package gatewaysim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
)

// A redirect payment completes when the simulated provider calls the host's
// webhook; a redelivery of the same event is recognised by its id.
func Example() {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	sim, err := gatewaysim.New(gatewaysim.Config{
		Name:   "momo",
		Secret: []byte("whsec_example"),
		Now:    func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The host's webhook: authenticate, decode, apply each event id once.
	applied := map[string]bool{}
	webhook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, gateway.MaxEventSize+1))
		if err != nil {
			http.Error(w, "unreadable", http.StatusBadRequest)
			return
		}
		ev, err := sim.ParseCallback(now, r.Header, body)
		if err != nil {
			http.Error(w, "rejected", http.StatusBadRequest)
			return
		}
		if applied[ev.ID] {
			fmt.Println("duplicate", ev.ID, "ignored")
			return
		}
		applied[ev.ID] = true
		fmt.Println("applied", ev.ID, ev.Type, ev.PaymentID, ev.Amount)
	})
	deliver := func(cb gatewaysim.Callback) int {
		req, err := cb.Request("https://host.example/webhooks/momo")
		if err != nil {
			return 0
		}
		rec := httptest.NewRecorder()
		webhook.ServeHTTP(rec, req)
		return rec.Code
	}

	amount, err := money.New("150000", "VND")
	if err != nil {
		fmt.Println(err)
		return
	}
	redirect, err := sim.CreatePayment(context.Background(), gateway.PaymentRequest{
		PaymentID: "pay_1", AccountID: "acc_1", Amount: amount,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("send the user to", redirect.URL)

	cb, err := sim.Complete("pay_1") // the user paid
	if err != nil {
		fmt.Println(err)
		return
	}
	deliver(cb)
	deliver(sim.Duplicate(cb))
	fmt.Println("forged:", deliver(sim.Forge(cb)))
	// Output:
	// send the user to https://sim.example/pay/pay_000001
	// applied evt_000001 payment.succeeded pay_1 150000 VND
	// duplicate evt_000001 ignored
	// forged: 400
}
