// Command gateways wires a real payment gateway, VNPay, into a host
// written against Cloudbill's public API only, and runs it against a fake
// VNPay sandbox (package vnpaytest) on a loopback port, on a fake clock,
// printing what happens:
//
//  1. a checkout paid by VNPay: the payer is sent to VNPay's payment page,
//     pays, VNPay's signed IPN (a GET) reaches the host's IPN route — the
//     library's CallbackHandler, answering VNPay's JSON RspCode — the
//     order is paid and its resources provisioned, and the payer lands on
//     the host's return page, which verifies VNPay's signed return URL;
//  2. VNPay delivers the same IPN again: answered RspCode 02 (already
//     confirmed), nothing applied twice;
//  3. a forged IPN (the amount raised, the checksum copied): answered 97;
//  4. a payment whose IPN is lost: the return page says VNPay took the
//     money, the host's record is still pending, and the worker, before it
//     would expire the payment, asks VNPay (querydr) and settles it;
//  5. a partial refund to the payer's card through VNPay's refund API:
//     pending while VNPay processes it, settled by the worker's query once
//     VNPay has paid it out.
//
// The ids are seeded, so every run prints the same story.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay"
	"github.com/cloudbill/cloudbill/payment/gateway/vnpay/vnpaytest"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// The merchant's VNPay terminal. A real host reads the secret from its
// secret store; vnpay.Secret keeps it out of logs.
const (
	tmnCode    = "CLOUDB01"
	hashSecret = "DEMOSECRET0123456789DEMOSECRET01"
	account    = "an"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gateways:", err)
		os.Exit(1)
	}
}

// host is the host service: its System, clock and VNPay adapter, its web
// site (the IPN route and the return page), and the payer's browser.
type host struct {
	sys     *billing.System
	clk     *clock.Manual
	vnp     *vnpay.Gateway
	sandbox *vnpaytest.Server
	site    *httptest.Server
	browser *http.Client
	keys    int
	// firstPayment and firstRef are the first checkout's payment and
	// vnp_TxnRef, refunded in part at the end.
	firstPayment, firstRef string

	// mu guards out: the site's handlers print from the server's
	// goroutines.
	mu  sync.Mutex
	out io.Writer
	// applied lists the event ids the handler applied.
	applied map[string]bool
}

func run(ctx context.Context, out io.Writer) error {
	h := &host{out: out, applied: map[string]bool{}, browser: &http.Client{Timeout: 10 * time.Second},
		clk: clock.NewManual(time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC))} // 09:00 in Hanoi

	// The host's site. Its routes are mounted once the System exists; the
	// URL is needed first, to tell VNPay where the IPN goes.
	mux := http.NewServeMux()
	h.site = httptest.NewServer(mux)
	defer h.site.Close()

	// VNPay: the sandbox (its merchant portal holds the IPN URL) and the
	// adapter pointed at it.
	var err error
	h.sandbox, err = vnpaytest.New(vnpaytest.Config{TmnCode: tmnCode, HashSecret: hashSecret,
		IPNURL: h.site.URL + "/vnpay/ipn", Now: h.clk.Now})
	if err != nil {
		return err
	}
	defer h.sandbox.Close()
	h.vnp, err = vnpay.New(vnpay.Config{TmnCode: tmnCode, HashSecret: vnpay.Secret(hashSecret),
		PaymentURL: h.sandbox.PaymentURL(), APIURL: h.sandbox.APIURL(), ReturnURL: h.site.URL + "/vnpay/return"})
	if err != nil {
		return err
	}

	catalog, err := pricing.SampleCatalog()
	if err != nil {
		return err
	}
	h.sys, err = billing.New(billing.Config{
		Store: memory.New(), Catalog: catalog, Clock: h.clk,
		Gateways: []gateway.Gateway{h.vnp}, EventHandler: h.handle,
		Random: rand.NewChaCha8([32]byte{'v', 'n', 'p', 'a', 'y'}),
	})
	if err != nil {
		return err
	}
	// The IPN route is the library's handler for the "vnpay" gateway: it
	// accepts VNPay's GET, applies each IPN once and answers VNPay's JSON.
	mux.Handle("/vnpay/ipn", h.logIPN(h.sys.CallbackHandler("vnpay")))
	mux.HandleFunc("/vnpay/return", h.returnPage)

	h.say("VNPay wired: IPN route /vnpay/ipn, return page /vnpay/return, worker reconciling before expiry")
	if _, err := h.sys.CreateAccount(ctx, "signup-an", billing.CreateAccountRequest{ID: account}); err != nil {
		return err
	}
	for _, step := range []func(context.Context) error{h.paidByVNPay, h.lostIPN, h.refund} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}
