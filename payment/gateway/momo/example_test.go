package momo_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/momo"
)

// A payment through MoMo: create it, send the payer to the payUrl, then
// read MoMo's IPN and answer it. The fake stands in for MoMo's sandbox.
func Example() {
	fake := newFake(exampleT{})
	defer fake.srv.Close()

	g, err := momo.New(momo.Config{
		PartnerCode: partner,
		AccessKey:   accessKey,
		SecretKey:   secretKey,
		Endpoint:    fake.srv.URL, // default: momo.SandboxEndpoint
		IPNURL:      "https://shop.example/momo/ipn",
		RedirectURL: "https://shop.example/thanks",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	price, _ := money.Parse("150000 VND")
	redirect, err := g.CreatePayment(context.Background(), gateway.PaymentRequest{
		PaymentID: "pay_0001", AccountID: "acct_1", Amount: price, Description: "Pro plan, May", CreatedAt: t0,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("send the payer to", redirect.URL)

	// MoMo POSTs the result to the IPN URL; the host's handler passes the
	// request on and answers with Reply.
	ipn := gateway.CallbackRequest{Method: http.MethodPost, Body: fake.pay("pay_0001", 0)}
	ev, err := g.ReadCallback(t0, ipn)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.PaymentID, ev.Amount, "transId", ev.GatewayRef)
	fmt.Println("answer HTTP", g.Reply(gateway.CallbackApplied).Status)
	// Output:
	// send the payer to https://test-payment.momo.vn/v2/gateway/pay?t=pay_0001
	// payment.succeeded pay_0001 150000 VND transId 4088878654
	// answer HTTP 204
}

// exampleT lets the fake run outside a test: a failure panics, and the
// example closes the server itself.
type exampleT struct{}

func (exampleT) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (exampleT) FailNow()                          { panic("failed") }
func (exampleT) Cleanup(func())                    {}

// Linking a MoMo wallet, then charging it without a redirect. The user
// approves the binding on MoMo's page; MoMo's IPN carries a callbackToken
// that the adapter exchanges for the wallet's token, which the host stores
// (encrypted) and hands back to Charge. The fake stands in for MoMo's
// sandbox, and its key pair for the public key from MoMo's portal.
func ExampleGateway_Charge() {
	fake := newFake(exampleT{})
	defer fake.srv.Close()

	g, err := momo.New(momo.Config{
		PartnerCode:  partner,
		AccessKey:    accessKey,
		SecretKey:    secretKey,
		Endpoint:     fake.srv.URL,
		IPNURL:       "https://shop.example/momo/ipn",
		RedirectURL:  "https://shop.example/wallets",
		RSAPublicKey: testRSAPublicPEM(), // MoMo's public key: enables linked wallets
		AESKey:       linkAESKey,         // only when SecretKey is not the 32-byte AES key
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	redirect, err := g.StartLink(ctx, gateway.LinkRequest{LinkID: "lnk_0001", AccountID: "acct_1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("send the user to", redirect.URL)

	ipn := gateway.CallbackRequest{Method: http.MethodPost, Body: fake.link(redirect.GatewayRef, 0)}
	linked, err := g.ReadCallback(t0, ipn)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(linked.Type, linked.LinkID, linked.Display, "token", linked.Token)

	price, _ := money.Parse("150000 VND")
	res, err := g.Charge(ctx, gateway.ChargeRequest{
		PaymentID: "pay_0002", AccountID: "acct_1", Token: linked.Token, Amount: price, CreatedAt: t0,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("charge", res.Status, "transId", res.GatewayRef)

	_, err = g.Charge(ctx, gateway.ChargeRequest{
		PaymentID: "pay_0003", AccountID: "acct_2", Token: linked.Token, Amount: price, CreatedAt: t0,
	})
	fmt.Println(err)
	// Output:
	// send the user to https://test-payment.momo.vn/v2/gateway/link?t=link-lnk_0001
	// link.succeeded lnk_0001 MoMo •••• 6789 token [REDACTED]
	// charge succeeded transId 4088878654
	// gateway: invalid request: Token was linked by another account
}
