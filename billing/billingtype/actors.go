package billingtype

// Actors the library records in the action log when no person or host
// service acted. A host's own Actor (an operator, a support tool, the
// customer's id) is recorded as given; requests that leave it empty are
// attributed to the account itself.
const (
	// ActorAutoRenew placed an automatic renewal.
	ActorAutoRenew = "system:auto-renew"
	// ActorTick moved a resource on the clock (grace, suspension,
	// release) during Tick.
	ActorTick = "system:tick"
	// ActorProvisioning reported a provisioning outcome for a host that
	// did not name itself.
	ActorProvisioning = "system:provisioning"
	// ActorOverdue suspended, resumed or released postpaid resources on
	// the overdue schedule.
	ActorOverdue = "system:overdue"
)
