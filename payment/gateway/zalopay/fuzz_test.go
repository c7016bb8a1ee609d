package zalopay_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gateway/zalopay"
)

// FuzzReadCallback: no input panics, and an input is accepted only with the
// published sample's mac and then decodes to the sample's event.
func FuzzReadCallback(f *testing.F) {
	g, err := zalopay.New(zalopay.Config{AppID: 2553, Key1: "unused", Key2: publishedKey2})
	require.NoError(f, err)
	want, err := g.ReadCallback(t0, post([]byte(publishedBody)))
	require.NoError(f, err)
	f.Add([]byte(publishedBody))
	f.Add([]byte(`{"data":"{}","mac":"00","type":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := g.ReadCallback(t0, post(body))
		if err != nil {
			if ev.ID != "" || ev.Type != 0 {
				t.Fatalf("an error with a non-zero event")
			}
			return
		}
		var env struct{ Mac string }
		if json.Unmarshal(body, &env) != nil || env.Mac != "d8d33baf449b31d7f9b94fa50d7c942c08cd4d83f28fa185557da21acb104f67" {
			t.Fatalf("accepted without the authentic mac: %q", body)
		}
		if ev.ID != want.ID || ev.PaymentID != want.PaymentID || !ev.Amount.Equal(want.Amount) || ev.Type != gateway.EventPaymentSucceeded {
			t.Fatalf("accepted a changed event %+v", ev)
		}
	})
}
