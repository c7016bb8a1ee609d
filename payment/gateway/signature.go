package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the HTTP header that carries a callback's signature.
const SignatureHeader = "Cloudbill-Signature"

// Signature limits. A header is cheap to reject and cannot make Verify do
// more than MaxSignatures × (number of secrets) HMAC comparisons.
const (
	// DefaultTolerance is how far a signature's timestamp may be from now,
	// in either direction, when no tolerance is configured.
	DefaultTolerance = 5 * time.Minute
	// MaxSignatures is the most v1 values one header may carry; two cover a
	// secret rotation, eight leave room for a provider's own overlaps.
	MaxSignatures = 8
	// MaxHeaderLen is the longest header value accepted, in bytes.
	MaxHeaderLen = 1024
	// maxTimestampDigits bounds t= so that it converts to time.Time without
	// overflow (12 digits reach the year 33658).
	maxTimestampDigits = 12
)

// Sign returns the SignatureHeader value for body signed with secret at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<unix seconds>." + body>".
// Sub-second precision of t is dropped, as in the header. It is how a
// simulator or a test produces a valid callback.
func Sign(secret []byte, t time.Time, body []byte) string {
	return SignMulti([][]byte{secret}, t, body)
}

// SignMulti is Sign with one v1 value per secret, in order, as a provider
// does while rotating from an old secret to a new one.
func SignMulti(secrets [][]byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	var b strings.Builder
	b.WriteString("t=")
	b.WriteString(ts)
	for _, s := range secrets {
		b.WriteString(",v1=")
		b.WriteString(hex.EncodeToString(computeMAC(s, ts, body)))
	}
	return b.String()
}

// computeMAC is HMAC-SHA256(secret, ts + "." + body).
func computeMAC(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verifier authenticates signed callbacks. It holds one or more secrets, all
// accepted, so a secret can be rotated without dropping callbacks: add the
// new secret, let the provider switch, then remove the old one. It is
// immutable after NewVerifier and safe for concurrent use.
//
// A Verifier does not detect replays: an authentic callback delivered twice,
// within the tolerance, verifies twice. The tolerance only bounds how long a
// captured callback stays usable; exactly-once application is the library's
// job, by the event id.
type Verifier struct {
	secrets   [][]byte
	tolerance time.Duration
}

// NewVerifier returns a Verifier that accepts a signature made with any of
// secrets and a timestamp within tolerance of the verification time in
// either direction. tolerance 0 means DefaultTolerance; a negative tolerance
// is ErrInvalidTolerance. No secret, or an empty one, is ErrNoSecret. The
// secrets are copied, so later changes to the caller's slices have no
// effect.
func NewVerifier(tolerance time.Duration, secrets ...[]byte) (*Verifier, error) {
	if tolerance < 0 {
		return nil, ErrInvalidTolerance
	}
	if tolerance == 0 {
		tolerance = DefaultTolerance
	}
	if len(secrets) == 0 {
		return nil, ErrNoSecret
	}
	own := make([][]byte, len(secrets))
	for i, s := range secrets {
		if len(s) == 0 {
			return nil, ErrNoSecret
		}
		own[i] = append([]byte(nil), s...)
	}
	return &Verifier{secrets: own, tolerance: tolerance}, nil
}

// Tolerance returns the accepted distance between a signature's timestamp
// and the verification time.
func (v *Verifier) Tolerance() time.Duration { return v.tolerance }

// Verify checks that header carries a SignatureHeader whose timestamp t and
// one of whose v1 values match body under one of the secrets, and that t is
// within the tolerance of now. Both limits are inclusive: with the default
// 5 minutes a signature made exactly 5 minutes before or after now is
// accepted, and one second more is rejected.
//
// The signature is checked before the time, so ErrTooOld and ErrTooNew are
// reported only for authentic signatures (a late delivery or a skewed
// clock), never for forgeries. Every comparison is constant-time
// (hmac.Equal), and every v1 value is tried against every secret.
//
// On failure it returns a *SignatureError wrapping exactly one of
// ErrNotSigned (no header), ErrMalformedSignature (unparseable, more than
// one header line, over MaxHeaderLen bytes or MaxSignatures v1 values),
// ErrBadSignature (no value matches), ErrTooOld or ErrTooNew. A nil or zero
// Verifier returns ErrNoSecret.
func (v *Verifier) Verify(now time.Time, header http.Header, body []byte) error {
	if v == nil || len(v.secrets) == 0 {
		return ErrNoSecret
	}
	values := header.Values(SignatureHeader)
	switch len(values) {
	case 0:
		return &SignatureError{Err: ErrNotSigned, Reason: "the " + SignatureHeader + " header is missing"}
	case 1:
	default:
		return &SignatureError{Err: ErrMalformedSignature, Reason: "more than one " + SignatureHeader + " header"}
	}
	h, err := parseHeader(values[0])
	if err != nil {
		return err
	}
	if !v.matches(h, body) {
		return &SignatureError{Err: ErrBadSignature, Reason: "no v1 signature matches a configured secret",
			SignedAt: h.signedAt(), Signatures: len(h.sigs)}
	}
	at := h.signedAt()
	switch {
	case at.Before(now.Add(-v.tolerance)):
		return &SignatureError{Err: ErrTooOld, Reason: "signed " + now.Sub(at).String() +
			" before now, beyond the tolerance of " + v.tolerance.String(), SignedAt: at, Signatures: len(h.sigs)}
	case at.After(now.Add(v.tolerance)):
		return &SignatureError{Err: ErrTooNew, Reason: "signed " + at.Sub(now).String() +
			" after now, beyond the tolerance of " + v.tolerance.String(), SignedAt: at, Signatures: len(h.sigs)}
	}
	return nil
}

// matches reports whether any signature in h is the MAC of body under any
// secret. It does not stop at the first secret that fails, and compares in
// constant time, so timing reveals nothing about the secrets.
func (v *Verifier) matches(h parsedHeader, body []byte) bool {
	ok := false
	for _, secret := range v.secrets {
		want := computeMAC(secret, h.ts, body)
		for _, sig := range h.sigs {
			if hmac.Equal(want, sig) {
				ok = true
			}
		}
	}
	return ok
}

// parsedHeader is a syntactically valid signature header.
type parsedHeader struct {
	ts   string   // the t= digits exactly as signed
	unix int64    // ts as seconds since the Unix epoch
	sigs [][]byte // decoded v1 values
}

func (h parsedHeader) signedAt() time.Time { return time.Unix(h.unix, 0) }

// parseHeader reads "t=<digits>,v1=<64 hex>[,v1=<64 hex>...]". Items are
// separated by commas and may be surrounded by spaces or tabs; items of
// another scheme ("v0=...") are skipped, as a provider may add schemes
// later; there must be exactly one t and at least one v1. The t value is
// kept as text because the MAC covers its exact bytes.
func parseHeader(value string) (parsedHeader, error) {
	malformed := func(reason string) (parsedHeader, error) {
		return parsedHeader{}, &SignatureError{Err: ErrMalformedSignature, Reason: reason}
	}
	if len(value) > MaxHeaderLen {
		return malformed("the header is longer than " + strconv.Itoa(MaxHeaderLen) + " bytes")
	}
	var h parsedHeader
	seenT := false
	for item := range strings.SplitSeq(value, ",") {
		item = strings.Trim(item, " \t")
		key, val, ok := strings.Cut(item, "=")
		if !ok || key == "" {
			return malformed("an item is not key=value")
		}
		switch key {
		case "t":
			if seenT {
				return malformed("more than one timestamp")
			}
			seenT = true
			if val == "" || len(val) > maxTimestampDigits || strings.Trim(val, "0123456789") != "" {
				return malformed("the timestamp is not 1 to 12 decimal digits")
			}
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil { // unreachable: at most 12 digits
				return malformed("the timestamp is not a number")
			}
			h.ts, h.unix = val, n
		case "v1":
			if len(h.sigs) == MaxSignatures {
				return malformed("more than " + strconv.Itoa(MaxSignatures) + " v1 signatures")
			}
			if len(val) != 2*sha256.Size {
				return malformed("a v1 signature is not 64 hex digits")
			}
			sig, err := hex.DecodeString(val)
			if err != nil {
				return malformed("a v1 signature is not 64 hex digits")
			}
			h.sigs = append(h.sigs, sig)
		}
	}
	if !seenT {
		return malformed("the timestamp t= is missing")
	}
	if len(h.sigs) == 0 {
		return malformed("no v1 signature")
	}
	return h, nil
}
