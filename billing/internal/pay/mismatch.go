package pay

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// Where a mismatch was reported.
const (
	mismatchCallback = "callback"
	mismatchQuery    = "query"
)

// RecordMismatch records, inside tx with the account locked, that the
// gateway reported sp paid with reported instead of its gateway part: an
// audit record (AuditPaymentMismatch) and an EventPaymentMismatch for the
// host. Nothing is applied to the payment. A query's mismatch is recorded
// once per payment (its event id is derived from the payment), a
// callback's once per event id (the event id is recorded too).
func RecordMismatch(ctx context.Context, s *core.Env, tx storage.Tx, sp storage.Payment, source, eventID, gatewayRef string, reported money.Amount) error {
	p := billingtype.PaymentMismatchPayload{PaymentID: sp.ID, Gateway: sp.Gateway, Source: source, EventID: eventID,
		GatewayRef: core.ClipText(core.GatewayText(gatewayRef), 255), Expected: sp.FromGateway, Reported: reported}
	key := "mismatch:" + sp.ID + ":" + source
	if eventID != "" {
		key += ":" + sp.Gateway + ":" + eventID
	}
	switch err := outbox.Emit(ctx, s, tx, sp.AccountID, sp.AccountID, billingtype.EventPaymentMismatch, key, p); {
	case errors.Is(err, storage.ErrDuplicate):
		return nil // recorded before
	case err != nil:
		return err
	}
	detail, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if _, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: sp.AccountID, Actor: "gateway:" + sp.Gateway,
		Action: billingtype.AuditPaymentMismatch, Detail: detail, At: s.Now()}); err != nil {
		return err
	}
	s.Log.WarnContext(ctx, "gateway reported a payment with another amount; nothing applied", "payment", sp.ID,
		"gateway", sp.Gateway, "source", source, "expected", sp.FromGateway.String(), "reported", reported.String())
	return nil
}
