package gateway_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func ExampleSign() {
	secret := []byte("whsec_example")
	body := []byte(`{"id":"evt_1"}`)
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)

	fmt.Println(gateway.SignatureHeader + ": " + gateway.Sign(secret, at, body))
	// Output:
	// Cloudbill-Signature: t=1714557600,v1=da1515a9c5e641ec6b8331b4cf81048570c3adc9fdad5b69ebabb301a3422eb0
}

func ExampleVerifier_Verify() {
	// During a rotation both secrets are accepted.
	v, err := gateway.NewVerifier(5*time.Minute, []byte("whsec_old"), []byte("whsec_new"))
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"id":"evt_1"}`)
	signedAt := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	header := http.Header{}
	header.Set(gateway.SignatureHeader, gateway.Sign([]byte("whsec_new"), signedAt, body))

	// now comes from the host's clock; here it is fixed.
	for _, now := range []time.Time{signedAt.Add(time.Minute), signedAt.Add(6 * time.Minute)} {
		err := v.Verify(now, header, body)
		fmt.Printf("%s later: ok=%t too old=%t\n", now.Sub(signedAt), err == nil, errors.Is(err, gateway.ErrTooOld))
	}
	err = v.Verify(signedAt, header, []byte(`{"id":"evt_2"}`))
	fmt.Println("tampered:", errors.Is(err, gateway.ErrBadSignature))
	// Output:
	// 1m0s later: ok=true too old=false
	// 6m0s later: ok=false too old=true
	// tampered: true
}

func ExampleVerifyAndDecode() {
	secret := []byte("whsec_example")
	v, err := gateway.NewVerifier(0, secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	body := []byte(`{"id":"evt_1","gateway":"momo","type":"payment.succeeded","payment_id":"pay_1",` +
		`"gateway_ref":"MOMO-8812","amount":"150000 VND","occurred_at":"2024-05-01T10:00:00Z"}`)
	now := time.Date(2024, 5, 1, 10, 0, 30, 0, time.UTC)
	header := http.Header{}
	header.Set(gateway.SignatureHeader, gateway.Sign(secret, now, body))

	ev, err := gateway.VerifyAndDecode(v, now, header, body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.Type, ev.PaymentID, ev.Amount)
	// Output:
	// payment.succeeded pay_1 150000 VND
}

func ExampleToken() {
	tok := gateway.NewToken("tok_live_4242")
	fmt.Printf("%v %+v %#v\n", tok, tok, tok)
	fmt.Println(tok.Reveal() == "tok_live_4242")
	fmt.Println(tok.Equal(gateway.NewToken("tok_live_4242")), tok.Equal(gateway.NewToken("tok_live_0000")))
	// Output:
	// [REDACTED] [REDACTED] gateway.Token("[REDACTED]")
	// true
	// true false
}
