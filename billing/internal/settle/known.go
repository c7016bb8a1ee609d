package settle

import (
	"context"

	"github.com/cloudbill/cloudbill/storage"
)

// knownKey marks a context carrying a Known.
type knownKey struct{}

// Known is an order the current transaction has just written or locked,
// with what settling it would otherwise read back: its resources and its
// coupon redemptions when the transaction wrote all of them (nil slices
// with the flags unset mean "read them"). Settling the order in the same
// transaction then sends no read for what it already holds; every record
// in it must be the current value in the transaction.
type Known struct {
	Order             storage.Order
	Resources         []storage.Resource
	ResourcesComplete bool
	Redemptions       []storage.Redemption
	RedemptionsKnown  bool
}

// WithKnown returns ctx carrying k for the settlement made with it.
func WithKnown(ctx context.Context, k *Known) context.Context {
	return context.WithValue(ctx, knownKey{}, k)
}

// known returns the Known of ctx when it is the order id of accountID.
func known(ctx context.Context, accountID, orderID string) *Known {
	k, _ := ctx.Value(knownKey{}).(*Known)
	if k == nil || k.Order.ID != orderID || k.Order.AccountID != accountID {
		return nil
	}
	return k
}
