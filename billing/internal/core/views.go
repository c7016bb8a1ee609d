package core

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// PureLink converts a stored link into package payment's rules.
func PureLink(l storage.PaymentLink) payment.PaymentLink {
	pl := payment.PaymentLink{ID: l.Token, Token: payment.LinkToken(l.Token), Amount: l.Amount,
		Purpose:   payment.Purpose{Kind: payment.PurposeKind(l.Purpose), Ref: l.PurposeRef},
		CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt, PaymentID: l.PaymentID}
	if l.Status == LinkPaid {
		pl.PaidAt = l.UpdatedAt
	}
	return pl
}

// PaymentView is a stored payment as the public API shows it, its times in
// the account's billing zone loc (see Zone), which TimeZone names.
func PaymentView(p storage.Payment, loc *time.Location) billingtype.Payment {
	return billingtype.Payment{
		ID: p.ID, AccountID: p.AccountID,
		Purpose: payment.Purpose{Kind: payment.PurposeKind(p.Purpose), Ref: p.PurposeRef},
		Method:  payment.Method(p.Method), Status: payment.Status(p.Status),
		Amount: p.Amount, FromCredit: p.FromCredit, FromGateway: p.FromGateway, Refunded: p.Refunded,
		Gateway: p.Gateway, GatewayRef: p.GatewayRef, RedirectURL: p.RedirectURL,
		LinkedAccountID: p.LinkedAccountID, FailureReason: p.FailureReason, Description: p.Description,
		ExpiresAt: InZone(p.ExpiresAt, loc), CreatedAt: InZone(p.CreatedAt, loc), UpdatedAt: InZone(p.UpdatedAt, loc),
		TimeZone: ZoneName(loc),
	}
}
