package billingtype

import "github.com/cloudbill/cloudbill/billing/metering"

// ReasonUnknownResource is the reason RecordUsage refuses an event whose
// resource is not a resource of the event's account: unknown, or another
// account's (the two are one reason, so that an account cannot learn
// which resource ids other accounts hold). Stable, like metering's reasons.
const ReasonUnknownResource metering.Reason = "unknown_resource"

// ReasonPeriodClosed is the reason RecordUsage refuses an event timed in a
// month its resource was already billed for (month close, or the end of a
// prepaid credit hold's period): counting it now would change a bill
// already issued. Late usage is accepted until the close, which runs
// Config.Postpaid.CloseDelay after the month's end. Stable.
const ReasonPeriodClosed metering.Reason = "period_closed"

// ReasonResourceStopped is the reason RecordUsage refuses an event of a
// postpaid resource timed at or after the resource stopped (deleted or
// released): its last month bill ends at the stop, so the usage could
// never be billed. Stable.
const ReasonResourceStopped metering.Reason = "resource_stopped"

// ReasonBeforeStart is the reason RecordUsage refuses an event of a
// postpaid resource timed before the resource started (its first bill
// starts there), or sent before it started at all: such usage could
// never be on a bill. Stable.
const ReasonBeforeStart metering.Reason = "before_start"
