package core

import (
	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// Payment link statuses as stored.
const (
	LinkOpen = string(billingtype.PaymentLinkOpen)
	LinkPaid = string(billingtype.PaymentLinkPaid)
)

// pureLink converts a stored link into package payment's rules.
func PureLink(l storage.PaymentLink) payment.PaymentLink {
	pl := payment.PaymentLink{ID: l.Token, Token: payment.LinkToken(l.Token), Amount: l.Amount,
		Purpose:   payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef},
		CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, PaymentID: l.PaymentID}
	if l.Status == LinkPaid {
		pl.PaidAt = l.UpdatedAt
	}
	return pl
}
