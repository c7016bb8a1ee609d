package core

import (
	"github.com/cloudbill/cloudbill/billing/billingtype"
)

// autoRenewActor is the actor of the orders automatic renewal places.
const AutoRenewActor = billingtype.ActorAutoRenew
