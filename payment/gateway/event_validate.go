package gateway

// validateEvent applies the rules documented on DecodeEvent to a decoded or
// to-be-encoded event.
func validateEvent(ev Event) error {
	if !ev.Type.Valid() {
		return &EventError{Field: "type", Reason: "is not a known event type"}
	}
	ids := [...]struct {
		field, value string
		required     bool
	}{
		{"id", ev.ID, true},
		{"gateway", ev.Gateway, true},
		{"payment_id", ev.PaymentID, ev.Type == EventPaymentSucceeded || ev.Type == EventPaymentFailed ||
			ev.Type == EventPaymentExpired || ev.Type == EventRefundSucceeded || ev.Type == EventRefundFailed},
		{"link_id", ev.LinkID, ev.Type == EventLinkSucceeded || ev.Type == EventLinkFailed},
		{"refund_id", ev.RefundID, ev.Type == EventRefundSucceeded || ev.Type == EventRefundFailed},
		{"gateway_ref", ev.GatewayRef, ev.Type == EventPaymentSucceeded},
		{"token", ev.Token.Reveal(), ev.Type == EventLinkSucceeded},
	}
	for _, f := range ids {
		if f.value == "" && !f.required {
			continue
		}
		if reason := idProblem(f.value); reason != "" {
			if f.value == "" {
				reason = "is missing"
			}
			return &EventError{Field: f.field, Reason: reason}
		}
	}
	if !ev.Token.IsZero() && ev.Type != EventLinkSucceeded {
		return &EventError{Field: "token", Reason: "is only allowed on link.succeeded"}
	}
	texts := [...]struct {
		field, value string
		required     bool
	}{
		{"display", ev.Display, ev.Type == EventLinkSucceeded},
		{"failure_reason", ev.FailureReason, false},
	}
	for _, f := range texts {
		if f.required && f.value == "" {
			return &EventError{Field: f.field, Reason: "is missing"}
		}
		if reason := textProblem(f.value); reason != "" {
			return &EventError{Field: f.field, Reason: reason}
		}
	}
	amountRequired := ev.Type == EventPaymentSucceeded || ev.Type == EventRefundSucceeded
	if amountRequired || !ev.Amount.Currency().IsZero() || !ev.Amount.IsZero() {
		if reason := amountProblem(ev.Amount); reason != "" {
			return &EventError{Field: "amount", Reason: reason}
		}
	}
	if ev.OccurredAt.IsZero() {
		return &EventError{Field: "occurred_at", Reason: "is missing"}
	}
	if y := ev.OccurredAt.UTC().Year(); y < 1 || y > 9999 {
		return &EventError{Field: "occurred_at", Reason: "is outside years 0001 to 9999"}
	}
	return nil
}
