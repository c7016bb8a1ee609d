package invoicing

import (
	"context"
	"encoding/json"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// AuditLegalChanged is the audit action of a change of an account's legal
// details.
const AuditLegalChanged = "account.legal_details_changed"

// WithParties snapshots the provider's legal details (the seller) and the
// account's (the buyer) onto a draft about to be issued: the document
// keeps them as they are now, whatever changes later.
//
// It is invoice.WithParties, same checks and errors, done on draft itself
// instead of on a copy: callers pass a draft invoice.New has just made for
// them, which nothing else holds, so copying its lines again is waste.
func WithParties(s *core.Env, acct storage.Account, draft invoice.Invoice) (invoice.Invoice, error) {
	seller, buyer := s.Cfg.Seller, acct.Legal
	if draft.Status != invoice.StatusDraft {
		return invoice.WithParties(draft, seller, buyer) // its *ImmutableError
	}
	if err := invoice.CheckParty("Seller", seller); err != nil {
		return invoice.Invoice{}, err
	}
	if err := invoice.CheckParty("Buyer", buyer); err != nil {
		return invoice.Invoice{}, err
	}
	draft.Seller, draft.Buyer = nil, nil
	if !seller.IsZero() {
		draft.Seller = &seller
	}
	if !buyer.IsZero() {
		draft.Buyer = &buyer
	}
	return draft, nil
}

// legalChange is the audit detail of a change of legal details.
type legalChange struct {
	From   invoice.Party `json:"from,omitzero"`
	To     invoice.Party `json:"to,omitzero"`
	Reason string        `json:"reason,omitempty"`
}

// SetLegalDetails replaces the account's legal details (audited); setting
// the details it has changes nothing and writes no audit record.
func SetLegalDetails(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.SetLegalDetailsRequest) (storage.Account, error) {
	if err := invoice.CheckParty("Legal", req.Legal); err != nil {
		return storage.Account{}, &billingtype.RequestError{Field: "Legal", Reason: err.Error()}
	}
	a, err := core.GetAccount(ctx, tx, req.AccountID, true)
	if err != nil {
		return storage.Account{}, err
	}
	if a.Legal == req.Legal {
		return a, nil
	}
	detail, err := json.Marshal(legalChange{From: a.Legal, To: req.Legal, Reason: req.Reason})
	if err != nil {
		return storage.Account{}, err
	}
	now := s.Now()
	a.Legal, a.UpdatedAt = req.Legal, now
	if a, err = tx.Accounts().Update(ctx, a); err != nil {
		return storage.Account{}, err
	}
	_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: a.ID, Actor: req.Actor, Action: AuditLegalChanged, Detail: detail, At: now})
	return a, err
}
