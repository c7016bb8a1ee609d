package invoicing

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// LogAction appends one action-log record, attributed to actor (the
// account itself when empty).
func LogAction(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, actor, resourceID string, kind invoice.ActionKind,
	oldCfg, newCfg pricing.Configuration, oldSpan, newSpan period.Span, invoiceID, note string) error {
	id, err := s.NewID("act")
	if err != nil {
		return err
	}
	_, err = tx.Actions().Append(ctx, storage.Action{Action: invoice.Action{ID: id, AccountID: acct.ID, ResourceID: resourceID,
		Kind: kind, Actor: core.OrDefault(actor, acct.ID), At: s.Now(), OldConfiguration: actionConfig(oldCfg),
		NewConfiguration: actionConfig(newCfg), OldPeriod: oldSpan, NewPeriod: newSpan, InvoiceID: invoiceID, Note: note}})
	return err
}

// OrderActor returns who placed an order ("" when unknown).
func OrderActor(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, orderID string) (string, error) {
	if orderID == "" {
		return "", nil
	}
	o, err := tx.Orders().Get(ctx, acct.ID, orderID)
	if err != nil {
		return "", err
	}
	return o.Actor, nil
}
