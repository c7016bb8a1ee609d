package billing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudbill/cloudbill/coupon"
	"github.com/cloudbill/cloudbill/storage"
)

// DefineCoupon stores a coupon definition. It is idempotent by code:
// defining the same coupon again is a no-op, a different definition under an
// existing code is ErrCouponExists (coupons are immutable once customers
// may have redeemed them).
func (s *System) DefineCoupon(ctx context.Context, c coupon.Coupon) (err error) {
	ctx, op := s.env.Tel.Start(ctx, "DefineCoupon")
	defer op.End(&err)
	if err := validateCouponDefinition(c); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return &RequestError{Field: "Coupon", Reason: err.Error(), Err: err}
	}
	body, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		now := s.env.Now()
		err := tx.Coupons().Create(ctx, storage.CouponRecord{Code: c.Code, Definition: c, CreatedAt: now, UpdatedAt: now})
		if !errors.Is(err, storage.ErrDuplicate) {
			return err
		}
		old, err := tx.Coupons().Get(ctx, c.Code)
		if err != nil {
			return err
		}
		again, err := json.Marshal(old.Definition)
		if err != nil {
			return err
		}
		if string(again) != string(body) {
			return fmt.Errorf("%w: %s", ErrCouponExists, c.Code)
		}
		return nil
	})
}
