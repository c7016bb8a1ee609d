package core

import (
	"github.com/cloudbill/cloudbill/coupon"
)

// Redemption statuses as stored (see coupon.RedemptionStatus).
const (
	RedemptionReserved = coupon.RedemptionReserved
	redemptionConsumed = coupon.RedemptionConsumed
	RedemptionReleased = coupon.RedemptionReleased
)
