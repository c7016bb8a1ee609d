package gateway

import (
	"net/http"
	"strconv"
	"time"
)

// VerifyAndDecode authenticates a callback with v at now and decodes its
// body (see Verifier.Verify and DecodeEvent). It is the whole of
// ParseCallback for an adapter whose provider uses this package's format.
// A body over MaxEventSize is refused before it is hashed. Any failure
// returns the zero Event and a *SignatureError, an *EventError, or
// ErrNoSecret for a nil Verifier.
func VerifyAndDecode(v *Verifier, now time.Time, header http.Header, body []byte) (Event, error) {
	if len(body) > MaxEventSize {
		return Event{}, &EventError{Reason: "is larger than " + strconv.Itoa(MaxEventSize) + " bytes"}
	}
	if err := v.Verify(now, header, body); err != nil {
		return Event{}, err
	}
	return DecodeEvent(body)
}
