package gateway

import (
	"errors"
	"strconv"
	"time"
)

// Signature errors. Verify wraps exactly one of the first five in a
// *SignatureError; the last two come from NewVerifier. Their meanings never
// change.
var (
	// ErrNotSigned: the callback has no SignatureHeader.
	ErrNotSigned = errors.New("gateway: callback is not signed")
	// ErrMalformedSignature: the SignatureHeader cannot be parsed or exceeds
	// the limits.
	ErrMalformedSignature = errors.New("gateway: malformed signature header")
	// ErrBadSignature: no signature matches the body under any secret: a
	// forgery, a tampered body or a secret the host does not have.
	ErrBadSignature = errors.New("gateway: signature does not match")
	// ErrTooOld: an authentic signature older than the tolerance.
	ErrTooOld = errors.New("gateway: signature timestamp is too old")
	// ErrTooNew: an authentic signature dated further in the future than the
	// tolerance.
	ErrTooNew = errors.New("gateway: signature timestamp is in the future")

	// ErrNoSecret: a Verifier needs at least one secret, and none may be
	// empty.
	ErrNoSecret = errors.New("gateway: no signing secret")
	// ErrInvalidTolerance: the tolerance is negative.
	ErrInvalidTolerance = errors.New("gateway: negative signature tolerance")
)

// SignatureError is a rejected signature, with details that are safe to log:
// it never holds a secret, a signature value or the header text.
type SignatureError struct {
	// Err is ErrNotSigned, ErrMalformedSignature, ErrBadSignature, ErrTooOld
	// or ErrTooNew.
	Err error
	// Reason is fixed text saying what was wrong.
	Reason string
	// SignedAt is the header's timestamp, or the zero time if it was not
	// parsed.
	SignedAt time.Time
	// Signatures is how many v1 values were tried (0 if not parsed).
	Signatures int
}

// Error states the condition and the reason.
func (e *SignatureError) Error() string {
	s := "gateway: signature rejected"
	if e.Err != nil {
		s = e.Err.Error()
	}
	s += ": " + e.Reason
	if !e.SignedAt.IsZero() {
		s += " (t=" + strconv.FormatInt(e.SignedAt.Unix(), 10) + ")"
	}
	return s
}

// Unwrap returns Err, so errors.Is matches the condition.
func (e *SignatureError) Unwrap() error { return e.Err }
