package gateway

import "errors"

// ErrIgnoredEvent: a callback delivery was authentic but reports nothing the
// library acts on, such as one of the many event types a provider like
// Stripe sends to the same endpoint, or an event about an object the
// library did not create. ParseCallback and WireFormat.ReadCallback return
// an error matching it with the zero Event. It is not a rejection: nothing
// was forged, and a provider that sees its deliveries refused keeps
// retrying them and may disable the endpoint, so the library changes
// nothing and answers Reply(CallbackIgnored).
var ErrIgnoredEvent = errors.New("gateway: event ignored")

// ErrNotFinal: a callback delivery was authentic but reports a payment the
// provider has not settled (VNPay's status 01, held for review; MoMo's
// 1000 or 7000, still processing). ReadCallback returns an error matching
// it with the zero Event; the payment stays pending, and a later callback
// or a status query (Querier) settles it. The library changes nothing and
// answers Reply(CallbackIgnored).
var ErrNotFinal = errors.New("gateway: payment not final")
