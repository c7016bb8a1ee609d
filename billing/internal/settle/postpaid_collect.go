package settle

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// invoiceSettledByPayment runs after a payment was recorded on an
// invoice, in the payment's transaction: once the invoice is paid, its
// overdue schedule ends, and when no other bill of the account is past
// its suspension day, the resources the overdue schedule suspended start
// again.
func invoiceSettledByPayment(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, inv invoice.Invoice) error {
	if inv.Status != invoice.StatusPaid {
		return nil
	}
	if err := tx.Jobs().Delete(ctx, acct.ID, core.JobOverdue, inv.ID); err != nil {
		return err
	}
	return resource.ResumeIfNoLongerOverdue(ctx, s, tx, acct)
}
