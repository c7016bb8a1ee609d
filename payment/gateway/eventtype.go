package gateway

import "strconv"

// EventType is what a callback reports. The zero value is not a type. The
// wire names returned by String are part of the callback format and the
// library's stored records, so they never change; new types are only
// appended.
type EventType uint8

// The event types.
const (
	// EventPaymentSucceeded ("payment.succeeded"): the payment was paid.
	EventPaymentSucceeded EventType = iota + 1
	// EventPaymentFailed ("payment.failed"): the payment was declined or
	// abandoned; nothing was taken.
	EventPaymentFailed
	// EventPaymentExpired ("payment.expired"): the payment page expired
	// unpaid; nothing was taken.
	EventPaymentExpired
	// EventLinkSucceeded ("link.succeeded"): the user authorised a linked
	// account; the event carries its Token and Display.
	EventLinkSucceeded
	// EventLinkFailed ("link.failed"): the user refused or the provider
	// rejected the link.
	EventLinkFailed
	// EventRefundSucceeded ("refund.succeeded"): a refund was paid out.
	EventRefundSucceeded
	// EventRefundFailed ("refund.failed"): the provider refused or gave up a
	// refund; nothing was returned.
	EventRefundFailed
)

// String returns the wire name ("payment.succeeded"), or "EventType(<n>)"
// for a value that is not a type.
func (t EventType) String() string {
	if name := t.name(); name != "" {
		return name
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}

// name is the wire name, or "" for a value that is not a type. A switch
// rather than a table keeps the package free of mutable variables.
func (t EventType) name() string {
	switch t {
	case EventPaymentSucceeded:
		return "payment.succeeded"
	case EventPaymentFailed:
		return "payment.failed"
	case EventPaymentExpired:
		return "payment.expired"
	case EventLinkSucceeded:
		return "link.succeeded"
	case EventLinkFailed:
		return "link.failed"
	case EventRefundSucceeded:
		return "refund.succeeded"
	case EventRefundFailed:
		return "refund.failed"
	}
	return ""
}

// Valid reports whether t is one of the defined types.
func (t EventType) Valid() bool { return t >= EventPaymentSucceeded && t <= EventRefundFailed }

// ParseEventType returns the type whose wire name is s, exactly (names are
// case-sensitive), or an *EventError matching ErrMalformedEvent.
func ParseEventType(s string) (EventType, error) {
	for t := EventPaymentSucceeded; t <= EventRefundFailed; t++ {
		if t.name() == s {
			return t, nil
		}
	}
	return 0, &EventError{Field: "type", Reason: "is not a known event type"}
}

// MarshalText returns String's text and never fails, so that logging or
// marshalling an incomplete Event still works; "EventType(0)" does not
// unmarshal back.
func (t EventType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText sets t from a wire name (see ParseEventType); on error t is
// unchanged.
func (t *EventType) UnmarshalText(b []byte) error {
	v, err := ParseEventType(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
