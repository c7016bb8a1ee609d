package coupon

import "slices"

// Clone returns a copy of c that shares no memory with it.
func (c Coupon) Clone() Coupon {
	c.Products = slices.Clone(c.Products)
	c.Actions = slices.Clone(c.Actions)
	return c
}
