package pay

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PayInvoiceFromCredit pays amount of an open invoice from the account's
// credit inside tx: a succeeded credit payment settles it at once (the
// invoice becomes partially paid or paid).
func PayInvoiceFromCredit(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, invoiceID string, amount money.Amount, why string) (storage.Payment, error) {
	return PreparePayment(ctx, s, tx, acct, billingtype.PayRequest{AccountID: acct.ID, Amount: amount, Method: payment.MethodCredit,
		Purpose:     payment.Purpose{Kind: payment.PurposeInvoice, Ref: invoiceID},
		Description: core.ClipText(fmt.Sprintf("%s of invoice %s", why, invoiceID), payment.MaxMemoLen)})
}
