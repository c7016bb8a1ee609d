package coupon

// Reason says why a coupon was rejected. The values are stored and sent to
// clients, so they never change; new reasons are only ever added.
type Reason string

// The reasons a coupon can be rejected, in the order Evaluate checks them
// (see the package documentation).
const (
	// ReasonMalformedCode: the entered text is not a well-formed code.
	ReasonMalformedCode Reason = "malformed_code"
	// ReasonDuplicateCode: the same code was entered more than once.
	ReasonDuplicateCode Reason = "duplicate_code"
	// ReasonUnknownCode: no coupon has this code.
	ReasonUnknownCode Reason = "unknown_code"
	// ReasonNotYetValid: the order is before the coupon's ValidFrom.
	ReasonNotYetValid Reason = "not_yet_valid"
	// ReasonExpired: the order is at or after the coupon's ValidUntil.
	ReasonExpired Reason = "expired"
	// ReasonCurrencyMismatch: the coupon's amounts are in another currency
	// than the order.
	ReasonCurrencyMismatch Reason = "currency_mismatch"
	// ReasonNotApplicableAction: the coupon does not apply to the order's
	// action (create, renew, resize).
	ReasonNotApplicableAction Reason = "not_applicable_action"
	// ReasonNotApplicableProduct: no line of the order is for a product the
	// coupon lists.
	ReasonNotApplicableProduct Reason = "not_applicable_product"
	// ReasonFirstOrderOnly: the coupon is for an account's first order and
	// this is not one.
	ReasonFirstOrderOnly Reason = "first_order_only"
	// ReasonMinimumNotMet: the eligible subtotal is below the coupon's
	// minimum spend.
	ReasonMinimumNotMet Reason = "minimum_not_met"
	// ReasonTotalLimitReached: the coupon has been redeemed (used or
	// reserved) as often as it may be in total.
	ReasonTotalLimitReached Reason = "total_limit_reached"
	// ReasonAccountLimitReached: this account has redeemed the coupon as
	// often as one account may.
	ReasonAccountLimitReached Reason = "account_limit_reached"
	// ReasonNotStackable: several coupons were entered and at least one of
	// them may not be combined with others.
	ReasonNotStackable Reason = "not_stackable"
)

// Reasons returns every reason, in the order Evaluate checks them.
func Reasons() []Reason {
	return []Reason{ReasonMalformedCode, ReasonDuplicateCode, ReasonUnknownCode,
		ReasonNotYetValid, ReasonExpired, ReasonCurrencyMismatch, ReasonNotApplicableAction,
		ReasonNotApplicableProduct, ReasonFirstOrderOnly, ReasonMinimumNotMet,
		ReasonTotalLimitReached, ReasonAccountLimitReached, ReasonNotStackable}
}

// Valid reports whether r is one of the reasons above.
func (r Reason) Valid() bool {
	for _, v := range Reasons() {
		if r == v {
			return true
		}
	}
	return false
}
