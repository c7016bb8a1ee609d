package gateway

// MarshalText returns String's text ("applied", "wrong_amount") and never
// fails, so a result that carries an outcome encodes as its name.
func (o CallbackOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText sets o from its name (see String); an unknown name is an
// *EventError on the field "outcome" and leaves o unchanged.
func (o *CallbackOutcome) UnmarshalText(b []byte) error {
	for c := CallbackApplied; c <= CallbackIgnored; c++ {
		if c.String() == string(b) {
			*o = c
			return nil
		}
	}
	return &EventError{Field: "outcome", Reason: "is not a callback outcome"}
}

// MarshalText returns String's text ("succeeded", "not_found") and never
// fails.
func (s PaymentState) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText sets s from its name (see String); an unknown name is an
// *EventError on the field "state" and leaves s unchanged.
func (s *PaymentState) UnmarshalText(b []byte) error {
	for c := PaymentPending; c <= PaymentNotFound; c++ {
		if c.String() == string(b) {
			*s = c
			return nil
		}
	}
	return &EventError{Field: "state", Reason: "is not a payment state"}
}
