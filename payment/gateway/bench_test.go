package gateway_test

import (
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func BenchmarkVerifyTwoSecretsTwoSignatures(b *testing.B) {
	v := newVerifier(b, 0, "whsec_old", "whsec_new")
	ev := gateway.Event{ID: "evt_1", Gateway: "momo", Type: gateway.EventPaymentSucceeded, PaymentID: "pay_1",
		GatewayRef: "MOMO-8812", Amount: amt(b, "150000 VND"), OccurredAt: t0}
	body, err := gateway.EncodeEvent(ev)
	if err != nil {
		b.Fatal(err)
	}
	h := signed(gateway.SignMulti([][]byte{[]byte("whsec_old"), []byte("whsec_new")}, t0, body))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := gateway.VerifyAndDecode(v, t0.Add(time.Minute), h, body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRejectsMaximalForgery(b *testing.B) {
	// The worst case a sender can force: 8 wrong v1 values against 2 secrets.
	v := newVerifier(b, 0, "whsec_old", "whsec_new")
	body := []byte(`{"id":"evt_1"}`)
	wrong := make([][]byte, gateway.MaxSignatures)
	for i := range wrong {
		wrong[i] = []byte{byte(i + 1)}
	}
	h := signed(gateway.SignMulti(wrong, t0, body))
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Verify(t0, h, body); err == nil {
			b.Fatal("verified")
		}
	}
}
