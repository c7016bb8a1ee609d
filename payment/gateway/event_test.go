package gateway_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/payment/gateway"
)

func validEvents(t testing.TB) map[string]gateway.Event {
	return map[string]gateway.Event{
		"payment.succeeded carries payment id, ref and 150000 VND": {
			ID: "evt_1", Gateway: "momo", Type: gateway.EventPaymentSucceeded, PaymentID: "pay_1",
			GatewayRef: "MOMO-8812", Amount: amt(t, "150000 VND"), OccurredAt: t0,
		},
		"payment.failed carries a reason": {
			ID: "evt_2", Gateway: "momo", Type: gateway.EventPaymentFailed, PaymentID: "pay_1",
			FailureReason: "insufficient funds", Amount: amt(t, "12.50 USD"), OccurredAt: t0.Add(time.Nanosecond),
		},
		"payment.expired needs only the payment id": {
			ID: "evt_3", Gateway: "momo", Type: gateway.EventPaymentExpired, PaymentID: "pay_1", OccurredAt: t0,
		},
		"link.succeeded carries the raw token and a masked display": {
			ID: "evt_4", Gateway: "zalopay", Type: gateway.EventLinkSucceeded, LinkID: "link_1",
			Token: gateway.NewToken("tok_SECRET"), Display: "ZaloPay •••• 4242", GatewayRef: "ZP-1", OccurredAt: t0,
		},
		"link.failed carries a reason": {
			ID: "evt_5", Gateway: "zalopay", Type: gateway.EventLinkFailed, LinkID: "link_1",
			FailureReason: "user cancelled", OccurredAt: t0,
		},
		"refund.succeeded carries payment, refund and 0.125 KWD": {
			ID: "evt_6", Gateway: "card", Type: gateway.EventRefundSucceeded, PaymentID: "pay_1",
			RefundID: "re_1", GatewayRef: "R-1", Amount: amt(t, "0.125 KWD"), OccurredAt: t0,
		},
	}
}

func TestEventRoundTrip(t *testing.T) {
	for name, ev := range validEvents(t) {
		t.Run(name, func(t *testing.T) {
			b, err := gateway.EncodeEvent(ev)
			require.NoError(t, err)
			got, err := gateway.DecodeEvent(b)
			require.NoError(t, err)
			assert.Empty(t, cmp.Diff(ev, got))
		})
	}
}

func TestEncodeEventFormat(t *testing.T) {
	ev := validEvents(t)["payment.succeeded carries payment id, ref and 150000 VND"]
	b, err := gateway.EncodeEvent(ev)
	require.NoError(t, err)
	assert.Equal(t, `{"id":"evt_1","gateway":"momo","type":"payment.succeeded","payment_id":"pay_1",`+
		`"gateway_ref":"MOMO-8812","amount":"150000 VND","occurred_at":"2024-05-01T10:00:00Z"}`, string(b))

	link := validEvents(t)["link.succeeded carries the raw token and a masked display"]
	b, err = gateway.EncodeEvent(link)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"token":"tok_SECRET"`, "the wire format carries the raw token on purpose")

	inZone := ev
	inZone.OccurredAt = t0.In(time.FixedZone("ICT", 7*3600))
	b, err = gateway.EncodeEvent(inZone)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"occurred_at":"2024-05-01T10:00:00Z"`, "times are written in UTC")
}

func TestDecodeEventAcceptsOffsets(t *testing.T) {
	ev, err := gateway.DecodeEvent([]byte(`{"id":"e","gateway":"g","type":"payment.expired","payment_id":"p",` +
		`"occurred_at":"2024-05-01T17:00:00+07:00"}`))
	require.NoError(t, err)
	assert.True(t, ev.OccurredAt.Equal(t0))
	assert.Equal(t, time.UTC, ev.OccurredAt.Location())
}

func TestDecodeEventRejects(t *testing.T) {
	base := `"id":"e","gateway":"g","occurred_at":"2024-05-01T10:00:00Z"`
	obj := func(fields string) string { return "{" + base + "," + fields + "}" }
	cases := []struct {
		name  string
		body  string
		field string
	}{
		{"an empty body", ``, ""},
		{"JSON null", `null`, ""},
		{"a JSON number", `12`, ""},
		{"a trailing comma", `{"id":"e",}`, ""},
		{"a field name in another case", obj(`"type":"payment.expired","payment_id":"p","ID":"e2"`), ""},
		{"a repeated field", obj(`"type":"payment.expired","payment_id":"p","payment_id":"q"`), "payment_id"},
		{"a null field", obj(`"type":"payment.expired","payment_id":null`), "payment_id"},
		{"a nested object", obj(`"type":"payment.expired","payment_id":{"a":"b"}`), "payment_id"},
		{"a JSON array", `[]`, ""},
		{"a JSON string", `"x"`, ""},
		{"truncated JSON", `{"id":"e"`, ""},
		{"invalid JSON", `{"id":}`, ""},
		{"data after the object", obj(`"type":"payment.expired","payment_id":"p"`) + `{}`, ""},
		{"an unknown field", obj(`"type":"payment.expired","payment_id":"p","extra":1`), ""},
		{"a missing type", `{` + base + `,"payment_id":"p"}`, "type"},
		{"an unknown type", obj(`"type":"payment.refunded","payment_id":"p"`), "type"},
		{"a type in the wrong case", obj(`"type":"Payment.Expired","payment_id":"p"`), "type"},
		{"a numeric type", obj(`"type":1,"payment_id":"p"`), "type"},
		{"a missing id", `{"gateway":"g","type":"payment.expired","payment_id":"p","occurred_at":"2024-05-01T10:00:00Z"}`, "id"},
		{"a missing gateway", `{"id":"e","type":"payment.expired","payment_id":"p","occurred_at":"2024-05-01T10:00:00Z"}`, "gateway"},
		{"a missing occurred_at", `{"id":"e","gateway":"g","type":"payment.expired","payment_id":"p"}`, "occurred_at"},
		{"an occurred_at that is not RFC 3339", obj(`"type":"payment.expired","payment_id":"p","occurred_at":"yesterday"`), "occurred_at"},
		{"payment.succeeded without payment_id", obj(`"type":"payment.succeeded","gateway_ref":"r","amount":"1 VND"`), "payment_id"},
		{"payment.succeeded without gateway_ref", obj(`"type":"payment.succeeded","payment_id":"p","amount":"1 VND"`), "gateway_ref"},
		{"payment.succeeded without amount", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r"`), "amount"},
		{"an amount as a JSON number", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":150000`), "amount"},
		{"an amount without currency", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"150000"`), "amount"},
		{"an amount in an unknown currency", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"1 XYZ"`), "amount"},
		{"a zero amount", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"0 VND"`), "amount"},
		{"a negative amount", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"-5 VND"`), "amount"},
		{"a fraction of a VND", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"7.5 VND"`), "amount"},
		{"an exponent amount", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"1e3 VND"`), "amount"},
		{"a bad optional amount on payment.failed", obj(`"type":"payment.failed","payment_id":"p","amount":"-1 USD"`), "amount"},
		{"link.succeeded without token", obj(`"type":"link.succeeded","link_id":"l","display":"d"`), "token"},
		{"link.succeeded without display", obj(`"type":"link.succeeded","link_id":"l","token":"t"`), "display"},
		{"link.failed without link_id", obj(`"type":"link.failed"`), "link_id"},
		{"a token on payment.succeeded", obj(`"type":"payment.succeeded","payment_id":"p","gateway_ref":"r","amount":"1 VND","token":"t"`), "token"},
		{"refund.succeeded without refund_id", obj(`"type":"refund.succeeded","payment_id":"p","amount":"1 VND"`), "refund_id"},
		{"an id with a newline", `{"id":"e\n","gateway":"g","type":"payment.expired","payment_id":"p","occurred_at":"2024-05-01T10:00:00Z"}`, "id"},
		{"an id of 256 bytes", `{"id":"` + strings.Repeat("e", 256) + `","gateway":"g","type":"payment.expired","payment_id":"p","occurred_at":"2024-05-01T10:00:00Z"}`, "id"},
		{"a failure reason over 2048 bytes", obj(`"type":"payment.failed","payment_id":"p","failure_reason":"` + strings.Repeat("r", 2049) + `"`), "failure_reason"},
		{"a body over 64 KiB", obj(`"type":"payment.expired","payment_id":"p"`) + strings.Repeat(" ", 64<<10), ""},
	}
	for _, c := range cases {
		t.Run(c.name+" is malformed", func(t *testing.T) {
			ev, err := gateway.DecodeEvent([]byte(c.body))
			require.ErrorIs(t, err, gateway.ErrMalformedEvent)
			var ee *gateway.EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, c.field, ee.Field, err.Error())
			assert.Empty(t, cmp.Diff(gateway.Event{}, ev), "no Event on error")
			assert.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestDecodeEventErrorsDoNotEchoInput(t *testing.T) {
	_, err := gateway.DecodeEvent([]byte(`{"evil\nINFO forged log line":1}`))
	require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	assert.Equal(t, "gateway: malformed event: body has a field the format does not define", err.Error())
}

func TestEncodeEventRejectsWhatDecodeWould(t *testing.T) {
	ok := validEvents(t)["payment.succeeded carries payment id, ref and 150000 VND"]
	mutate := func(f func(*gateway.Event)) gateway.Event { e := ok; f(&e); return e }
	cases := map[string]struct {
		ev    gateway.Event
		field string
	}{
		"the zero event":            {gateway.Event{}, "type"},
		"a missing id":              {mutate(func(e *gateway.Event) { e.ID = "" }), "id"},
		"a missing time":            {mutate(func(e *gateway.Event) { e.OccurredAt = time.Time{} }), "occurred_at"},
		"a year beyond 9999":        {mutate(func(e *gateway.Event) { e.OccurredAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), "occurred_at"},
		"a zero amount":             {mutate(func(e *gateway.Event) { e.Amount = amt(t, "0 VND") }), "amount"},
		"a token on a payment":      {mutate(func(e *gateway.Event) { e.Token = gateway.NewToken("t") }), "token"},
		"an undefined type":         {mutate(func(e *gateway.Event) { e.Type = 99 }), "type"},
		"invalid UTF-8 in a reason": {mutate(func(e *gateway.Event) { e.FailureReason = "\xff" }), "failure_reason"},
	}
	for name, c := range cases {
		t.Run(name+" is not encoded", func(t *testing.T) {
			b, err := gateway.EncodeEvent(c.ev)
			assert.Nil(t, b)
			var ee *gateway.EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, c.field, ee.Field)
		})
	}
}

func TestVerifyAndDecode(t *testing.T) {
	v := newVerifier(t, 0, "s1")
	ev := validEvents(t)["payment.succeeded carries payment id, ref and 150000 VND"]
	b, err := gateway.EncodeEvent(ev)
	require.NoError(t, err)

	t.Run("a signed event decodes", func(t *testing.T) {
		got, err := gateway.VerifyAndDecode(v, t0.Add(time.Minute), signed(gateway.Sign([]byte("s1"), t0, b)), b)
		require.NoError(t, err)
		assert.Empty(t, cmp.Diff(ev, got))
	})
	t.Run("a forged event gives no Event", func(t *testing.T) {
		got, err := gateway.VerifyAndDecode(v, t0, signed(gateway.Sign([]byte("s2"), t0, b)), b)
		require.ErrorIs(t, err, gateway.ErrBadSignature)
		assert.Empty(t, cmp.Diff(gateway.Event{}, got))
	})
	t.Run("a late event gives no Event", func(t *testing.T) {
		got, err := gateway.VerifyAndDecode(v, t0.Add(6*time.Minute), signed(gateway.Sign([]byte("s1"), t0, b)), b)
		require.ErrorIs(t, err, gateway.ErrTooOld)
		assert.Empty(t, cmp.Diff(gateway.Event{}, got))
	})
	t.Run("a signed but malformed body gives ErrMalformedEvent", func(t *testing.T) {
		bad := []byte(`{"id":"e"}`)
		_, err := gateway.VerifyAndDecode(v, t0, signed(gateway.Sign([]byte("s1"), t0, bad)), bad)
		require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	})
	t.Run("a body over 64 KiB is refused before verification", func(t *testing.T) {
		big := bytes.Repeat([]byte(" "), gateway.MaxEventSize+1)
		_, err := gateway.VerifyAndDecode(v, t0, http.Header{}, big)
		require.ErrorIs(t, err, gateway.ErrMalformedEvent)
	})
	t.Run("a nil verifier refuses", func(t *testing.T) {
		_, err := gateway.VerifyAndDecode(nil, t0, signed(gateway.Sign([]byte("s1"), t0, b)), b)
		require.ErrorIs(t, err, gateway.ErrNoSecret)
	})
	t.Run("a replay verifies again: dedup is the library's job", func(t *testing.T) {
		h := signed(gateway.Sign([]byte("s1"), t0, b))
		first, err1 := gateway.VerifyAndDecode(v, t0, h, b)
		second, err2 := gateway.VerifyAndDecode(v, t0.Add(time.Minute), h, b)
		require.NoError(t, err1)
		require.NoError(t, err2)
		assert.Equal(t, first.ID, second.ID, "the event id is what the library deduplicates on")
	})
}

func TestEventTypeText(t *testing.T) {
	names := map[gateway.EventType]string{
		gateway.EventPaymentSucceeded: "payment.succeeded",
		gateway.EventPaymentFailed:    "payment.failed",
		gateway.EventPaymentExpired:   "payment.expired",
		gateway.EventLinkSucceeded:    "link.succeeded",
		gateway.EventLinkFailed:       "link.failed",
		gateway.EventRefundSucceeded:  "refund.succeeded",
		gateway.EventRefundFailed:     "refund.failed",
	}
	for typ, name := range names {
		t.Run(name+" round-trips", func(t *testing.T) {
			assert.Equal(t, name, typ.String())
			got, err := gateway.ParseEventType(name)
			require.NoError(t, err)
			assert.Equal(t, typ, got)
			b, err := json.Marshal(typ)
			require.NoError(t, err)
			var back gateway.EventType
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, typ, back)
		})
	}
	assert.Equal(t, "EventType(0)", gateway.EventType(0).String())
	assert.False(t, gateway.EventType(0).Valid())
	assert.False(t, gateway.EventType(8).Valid())
	var back gateway.EventType = gateway.EventLinkFailed
	assert.ErrorIs(t, back.UnmarshalText([]byte("EventType(0)")), gateway.ErrMalformedEvent)
	assert.Equal(t, gateway.EventLinkFailed, back, "unchanged on error")
}
