package lifecycle

// Event is something that happens to a resource. The names are stored by
// hosts, so they never change; new events are only ever added.
type Event string

// The events of a resource.
const (
	// EventPay: the order was paid; the host must provision.
	EventPay Event = "pay"
	// EventCancel: an unpaid order was abandoned.
	EventCancel Event = "cancel"
	// EventProvisioned: the host reports the resource is ready.
	EventProvisioned Event = "provisioned"
	// EventProvisionFailed: the host reports it could not create the
	// resource.
	EventProvisionFailed Event = "provision_failed"
	// EventTermEnded: the clock reached the end of the paid term.
	EventTermEnded Event = "term_ended"
	// EventGraceEnded: the clock reached the end of the grace period.
	EventGraceEnded Event = "grace_ended"
	// EventSuspensionEnded: the clock reached the release time.
	EventSuspensionEnded Event = "suspension_ended"
	// EventRenew: a renewal (manual, automatic, or an end-time match) was
	// paid and extended the term.
	EventRenew Event = "renew"
	// EventResize: the configuration changed mid-term; the end stays.
	EventResize Event = "resize"
	// EventDelete: the user deleted the resource.
	EventDelete Event = "delete"
	// EventRecover: a released resource was paid for again and must be
	// created anew with its old configuration.
	EventRecover Event = "recover"
	// EventOverdue: a postpaid account's bill stayed unpaid past the
	// overdue schedule's suspension day; its running resources stop.
	EventOverdue Event = "overdue"
	// EventOverduePaid: the overdue bills were paid; the resources the
	// overdue schedule suspended start again.
	EventOverduePaid Event = "overdue_paid"
)

// Events returns every event.
func Events() []Event {
	return []Event{EventPay, EventCancel, EventProvisioned, EventProvisionFailed,
		EventTermEnded, EventGraceEnded, EventSuspensionEnded, EventRenew,
		EventResize, EventDelete, EventRecover, EventOverdue, EventOverduePaid}
}

// Valid reports whether e is one of the events above.
func (e Event) Valid() bool {
	switch e {
	case EventPay, EventCancel, EventProvisioned, EventProvisionFailed,
		EventTermEnded, EventGraceEnded, EventSuspensionEnded, EventRenew,
		EventResize, EventDelete, EventRecover, EventOverdue, EventOverduePaid:
		return true
	}
	return false
}

// ParseEvent returns the event named exactly s. Anything else is an error
// matching ErrUnknownEvent.
func ParseEvent(s string) (Event, error) {
	if v := Event(s); v.Valid() {
		return v, nil
	}
	return "", &UnknownNameError{Kind: "event", Name: s}
}
