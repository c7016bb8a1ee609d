package gateway

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseHeader checks that parseHeader never panics, that what it accepts
// respects the limits, and that the canonical form of an accepted header
// parses to the same values.
func FuzzParseHeader(f *testing.F) {
	now := time.Unix(1714557600, 0)
	f.Add(Sign([]byte("s"), now, []byte("{}")))
	f.Add(SignMulti([][]byte{[]byte("a"), []byte("b")}, now, []byte("{}")))
	f.Add("t=1,v1=" + strings.Repeat("0", 64))
	f.Add("t=1, v1=" + strings.Repeat("A", 64) + " ,v0=x")
	f.Add("")
	f.Add("t=,v1=")
	f.Add("=,=,=")
	f.Add("t=999999999999,v1=" + strings.Repeat("f", 64))
	f.Fuzz(func(t *testing.T, value string) {
		h, err := parseHeader(value)
		if err != nil {
			var se *SignatureError
			if !errors.As(err, &se) || !errors.Is(err, ErrMalformedSignature) {
				t.Fatalf("error %v is not a malformed-signature *SignatureError", err)
			}
			return
		}
		if len(value) > MaxHeaderLen {
			t.Fatalf("accepted a %d-byte header", len(value))
		}
		if len(h.sigs) == 0 || len(h.sigs) > MaxSignatures {
			t.Fatalf("accepted %d signatures", len(h.sigs))
		}
		if n, err := strconv.ParseUint(h.ts, 10, 64); err != nil || int64(n) != h.unix || strings.Trim(h.ts, "0123456789") != "" {
			t.Fatalf("timestamp %q parsed as %d", h.ts, h.unix)
		}
		canon := "t=" + h.ts
		for _, s := range h.sigs {
			if len(s) != 32 {
				t.Fatalf("signature of %d bytes", len(s))
			}
			canon += ",v1=" + hex.EncodeToString(s)
		}
		again, err := parseHeader(canon)
		if err != nil {
			t.Fatalf("canonical form %q of an accepted header is refused: %v", canon, err)
		}
		if again.ts != h.ts || again.unix != h.unix || len(again.sigs) != len(h.sigs) {
			t.Fatalf("canonical form parses differently")
		}
		for i := range h.sigs {
			if !bytes.Equal(again.sigs[i], h.sigs[i]) {
				t.Fatalf("signature %d differs after canonicalisation", i)
			}
		}
	})
}

// FuzzVerify checks that Verify never panics, that a random header never
// verifies, that a header Sign made for the body always does, and that the
// same header never verifies a different body.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1714557600, 0)
	secret := []byte("whsec_fuzz")
	f.Add("t=1714557600,v1="+strings.Repeat("0", 64), []byte(`{"id":"evt_1"}`))
	f.Add(Sign([]byte("other"), now, []byte("{}")), []byte("{}"))
	f.Add("", []byte(nil))
	f.Add("t=1714557600,v1=zz", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		v, err := NewVerifier(0, secret, []byte("whsec_old"))
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Verify(now, http.Header{SignatureHeader: {header}}, body); err == nil {
			t.Fatalf("a fuzzed header verified: %q", header)
		}
		good := Sign(secret, now, body)
		if err := v.Verify(now, http.Header{SignatureHeader: {good}}, body); err != nil {
			t.Fatalf("a signed body did not verify: %v", err)
		}
		other := append([]byte{'x'}, body...)
		if err := v.Verify(now, http.Header{SignatureHeader: {good}}, other); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("a signature verified another body: %v", err)
		}
	})
}
