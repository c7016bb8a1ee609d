package gateway_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

// FuzzDecodeEvent checks that DecodeEvent never panics, that every failure is
// an *EventError with the zero Event, and that every accepted event encodes
// and decodes back to itself.
func FuzzDecodeEvent(f *testing.F) {
	for _, ev := range validEvents(f) {
		b, err := gateway.EncodeEvent(ev)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"e","gateway":"g","type":"payment.expired","payment_id":"p","occurred_at":"0000-01-01T00:30:00+01:00"}`))
	f.Add([]byte(`{"id":"e","gateway":"g","type":"payment.failed","payment_id":"p","amount":"0.50 USD","occurred_at":"9999-12-31T23:59:59-01:00"}`))
	f.Add([]byte(`{"id":"e","gateway":"g","type":"link.failed","link_id":"\u00e9\ud800","occurred_at":"2024-02-29T00:00:00.123456789Z"}`))
	f.Add([]byte(`{"id":"e","id":"e"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := gateway.DecodeEvent(body)
		if err != nil {
			var ee *gateway.EventError
			if !errors.As(err, &ee) || !errors.Is(err, gateway.ErrMalformedEvent) {
				t.Fatalf("error %v is not an *EventError", err)
			}
			if !cmp.Equal(ev, gateway.Event{}) {
				t.Fatalf("an Event came with an error")
			}
			return
		}
		b, err := gateway.EncodeEvent(ev)
		if err != nil {
			t.Fatalf("a decoded event does not encode: %v", err)
		}
		again, err := gateway.DecodeEvent(b)
		if err != nil {
			t.Fatalf("an encoded event does not decode: %v\n%s", err, b)
		}
		if d := cmp.Diff(ev, again); d != "" {
			t.Fatalf("round trip changed the event (-first +second):\n%s", d)
		}
	})
}
