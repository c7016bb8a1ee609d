package gateway_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment/gateway"
)

// genEvent draws a valid event of any type, with the fields its type
// requires and, at random, the optional ones.
func genEvent(t *rapid.T) gateway.Event {
	id := rapid.StringMatching(`[A-Za-z0-9_.:-]{1,64}`)
	text := rapid.StringMatching(`[ -~•áàảãạđ]{0,80}`)
	minor := rapid.Int64Range(1, 1_000_000_000_000_000).Draw(t, "minor")
	cur := rapid.SampledFrom([]string{"VND", "USD", "KWD", "JPY"}).Draw(t, "currency")
	a, err := money.FromMinor(minor, cur)
	if err != nil {
		t.Fatal(err)
	}
	ev := gateway.Event{
		ID:         id.Draw(t, "id"),
		Gateway:    id.Draw(t, "gateway"),
		Type:       gateway.EventType(rapid.IntRange(1, 7).Draw(t, "type")),
		OccurredAt: time.Unix(rapid.Int64Range(1, 253402300799).Draw(t, "sec"), rapid.Int64Range(0, 999999999).Draw(t, "nsec")).UTC(),
	}
	optional := func(label string) bool { return rapid.Bool().Draw(t, label) }
	switch ev.Type {
	case gateway.EventPaymentSucceeded, gateway.EventPaymentFailed, gateway.EventPaymentExpired:
		ev.PaymentID = id.Draw(t, "payment_id")
		if ev.Type == gateway.EventPaymentSucceeded || optional("has amount") {
			ev.Amount = a
		}
		if ev.Type == gateway.EventPaymentSucceeded || optional("has ref") {
			ev.GatewayRef = id.Draw(t, "ref")
		}
		if ev.Type == gateway.EventPaymentFailed {
			ev.FailureReason = text.Draw(t, "reason")
		}
	case gateway.EventLinkSucceeded:
		ev.LinkID = id.Draw(t, "link_id")
		ev.Token = gateway.NewToken(id.Draw(t, "token"))
		ev.Display = rapid.StringMatching(`[ -~•]{1,40}`).Draw(t, "display")
	case gateway.EventLinkFailed:
		ev.LinkID = id.Draw(t, "link_id")
		ev.FailureReason = text.Draw(t, "reason")
	case gateway.EventRefundSucceeded:
		ev.PaymentID = id.Draw(t, "payment_id")
		ev.RefundID = id.Draw(t, "refund_id")
		ev.Amount = a
	case gateway.EventRefundFailed:
		ev.PaymentID = id.Draw(t, "payment_id")
		ev.RefundID = id.Draw(t, "refund_id")
		ev.FailureReason = text.Draw(t, "reason")
	}
	return ev
}

func TestPropertyEveryValidEventRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ev := genEvent(t)
		b, err := gateway.EncodeEvent(ev)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		got, err := gateway.DecodeEvent(b)
		if err != nil {
			t.Fatalf("decode: %v\n%s", err, b)
		}
		if d := cmp.Diff(ev, got); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
	})
}

func TestPropertyAnyConfiguredSecretVerifiesAndNoOtherDoes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		secret := rapid.SliceOfN(rapid.Byte(), 1, 80)
		configured := rapid.SliceOfN(secret, 1, 4).Draw(t, "configured")
		signer := rapid.IntRange(0, len(configured)-1).Draw(t, "signer")
		body := rapid.SliceOf(rapid.Byte()).Draw(t, "body")
		skew := time.Duration(rapid.Int64Range(-300, 300).Draw(t, "skew seconds")) * time.Second
		v, err := gateway.NewVerifier(0, configured...)
		if err != nil {
			t.Fatal(err)
		}
		signedAt := t0.Add(skew)
		h := http.Header{}
		h.Set(gateway.SignatureHeader, gateway.Sign(configured[signer], signedAt, body))
		if err := v.Verify(t0, h, body); err != nil {
			t.Fatalf("secret %d of %d, skew %s: %v", signer, len(configured), skew, err)
		}

		outsider := rapid.SliceOfN(rapid.Byte(), 1, 80).Draw(t, "outsider")
		for _, s := range configured {
			// HMAC pads short keys with zeros, so keys that differ only in
			// trailing zero bytes are the same key.
			if bytes.Equal(bytes.TrimRight(s, "\x00"), bytes.TrimRight(outsider, "\x00")) {
				t.Skip("the outsider is a configured key")
			}
		}
		h.Set(gateway.SignatureHeader, gateway.Sign(outsider, signedAt, body))
		if err := v.Verify(t0, h, body); err == nil {
			t.Fatalf("an unconfigured secret verified")
		}
	})
}
