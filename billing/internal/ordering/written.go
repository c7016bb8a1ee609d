package ordering

import (
	"slices"

	"github.com/cloudbill/cloudbill/billing/internal/settle"
	"github.com/cloudbill/cloudbill/storage"
)

// writtenOf is what k holds once the order of acct is placed, with its
// payment p (nil when nothing was paid).
func writtenOf(acct storage.Account, k *settle.Known, p *storage.Payment) *Written {
	return &Written{Account: acct, Order: k.Order, Payment: p, Resources: slices.Clone(k.Resources)}
}
