package invoicing

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/storage"
)

// The audit actions of e-invoices.
const (
	AuditEInvoiceStatus   = "einvoice.status_recorded"
	AuditEInvoiceReplaced = "einvoice.replaced"
)

// GetEInvoice is the account's e-invoice id; lock takes it for update.
func GetEInvoice(ctx context.Context, tx storage.Tx, accountID, id string, lock bool) (storage.EInvoice, error) {
	get := tx.EInvoices().Get
	if lock {
		get = tx.EInvoices().GetForUpdate
	}
	rec, err := get(ctx, accountID, id)
	return rec, core.MapNotFound(err, billingtype.ErrEInvoiceNotFound, id)
}

// RecordEInvoiceStatus records where an e-invoice stands, as its provider
// or the authority said: forward only (billingtype.EInvoiceStatus
// CanBecome), a draft moves on only with the provider's signed XML, which
// must verify and state what was issued, accepted needs the authority's
// code and the lookup code, rejected a reason. Reporting what is recorded
// already changes nothing. Audited ("einvoice.status_recorded") and
// announced (einvoice.status).
func RecordEInvoiceStatus(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.RecordEInvoiceStatusRequest) (storage.EInvoice, error) {
	if _, err := core.GetAccount(ctx, tx, req.AccountID, true); err != nil {
		return storage.EInvoice{}, err
	}
	rec, err := GetEInvoice(ctx, tx, req.AccountID, req.EInvoiceID, true)
	if err != nil {
		return storage.EInvoice{}, err
	}
	cur := billingtype.EInvoiceStatus(rec.Status)
	if !cur.CanBecome(req.Status) {
		return storage.EInvoice{}, &billingtype.RequestError{Field: "Status", Reason: "the e-invoice is " + rec.Status + " and cannot become " + string(req.Status),
			Err: billingtype.ErrEInvoiceState}
	}
	next := rec
	if len(req.SignedXML) > 0 {
		if cur != billingtype.EInvoiceDraft {
			return storage.EInvoice{}, &billingtype.RequestError{Field: "SignedXML", Reason: "the e-invoice is " + rec.Status + "; its signed XML never changes",
				Err: billingtype.ErrEInvoiceState}
		}
		if _, err := einvoice.VerifyAgainst(req.SignedXML, rec.XML); err != nil {
			return storage.EInvoice{}, &billingtype.RequestError{Field: "SignedXML", Reason: err.Error(), Err: err}
		}
		next.XML = append([]byte(nil), req.SignedXML...)
	} else if cur == billingtype.EInvoiceDraft && req.Status != billingtype.EInvoiceDraft {
		return storage.EInvoice{}, &billingtype.RequestError{Field: "SignedXML", Reason: "is required to move a draft on: the provider's signed e-invoice",
			Err: billingtype.ErrEInvoiceState}
	}
	next.Status = string(req.Status)
	next.ProviderRef = core.OrDefault(req.ProviderRef, rec.ProviderRef)
	next.AuthorityCode = core.OrDefault(req.AuthorityCode, rec.AuthorityCode)
	next.LookupCode = core.OrDefault(req.LookupCode, rec.LookupCode)
	next.Reason = core.OrDefault(req.Reason, rec.Reason)
	switch {
	case req.Status == billingtype.EInvoiceAccepted && (next.AuthorityCode == "" || next.LookupCode == ""):
		return storage.EInvoice{}, &billingtype.RequestError{Field: "AuthorityCode", Reason: "and LookupCode are required once accepted"}
	case req.Status == billingtype.EInvoiceRejected && next.Reason == "":
		return storage.EInvoice{}, &billingtype.RequestError{Field: "Reason", Reason: "is required once rejected"}
	}
	if next.Status == rec.Status && next.ProviderRef == rec.ProviderRef && next.AuthorityCode == rec.AuthorityCode &&
		next.LookupCode == rec.LookupCode && next.Reason == rec.Reason && len(req.SignedXML) == 0 {
		return rec, nil
	}
	now := s.Now()
	next.UpdatedAt = now
	if err := tx.EInvoices().Update(ctx, next); err != nil {
		return storage.EInvoice{}, err
	}
	detail, err := json.Marshal(struct {
		EInvoiceID string `json:"einvoice_id"`
		From       string `json:"from"`
		To         string `json:"to"`
	}{rec.ID, rec.Status, next.Status})
	if err != nil {
		return storage.EInvoice{}, err
	}
	if _, err := tx.Audit().Append(ctx, storage.AuditRecord{AccountID: rec.AccountID, Actor: req.Actor, Action: AuditEInvoiceStatus, Detail: detail, At: now}); err != nil {
		return storage.EInvoice{}, err
	}
	return next, outbox.Emit(ctx, s, tx, rec.AccountID, einvoiceStream(rec.AccountID), billingtype.EventEInvoiceStatus, "", Payload(next))
}

// ReplaceEInvoice issues a replacement of an original or a replacement
// not yet replaced: the same documents under a new number, naming the one
// it replaces with req.Reason, with the buyer corrected when req.Buyer is
// set. Audited ("einvoice.replaced").
func ReplaceEInvoice(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.ReplaceEInvoiceRequest) (storage.EInvoice, error) {
	if s.Cfg.EInvoice == nil {
		return storage.EInvoice{}, billingtype.ErrEInvoicesOff
	}
	if _, err := core.GetAccount(ctx, tx, req.AccountID, true); err != nil {
		return storage.EInvoice{}, err
	}
	old, err := GetEInvoice(ctx, tx, req.AccountID, req.EInvoiceID, true)
	if err != nil {
		return storage.EInvoice{}, err
	}
	switch {
	case old.Kind == string(billingtype.EInvoiceAdjustment):
		return storage.EInvoice{}, &billingtype.RequestError{Field: "EInvoiceID", Reason: "is an adjustment; a further adjustment corrects it", Err: billingtype.ErrEInvoiceState}
	case old.ReplacedByID != "":
		return storage.EInvoice{}, &billingtype.RequestError{Field: "EInvoiceID", Reason: "was replaced already by " + old.ReplacedByID, Err: billingtype.ErrEInvoiceState}
	}
	docs := make([]invoice.Invoice, 0, len(old.DocumentIDs))
	for _, id := range old.DocumentIDs {
		rec, err := tx.Invoices().Get(ctx, req.AccountID, id)
		if err != nil {
			return storage.EInvoice{}, err
		}
		docs = append(docs, rec.Invoice)
	}
	rel, err := relatedOf(old)
	if err != nil {
		return storage.EInvoice{}, err
	}
	rel.Note = req.Reason
	rec, err := issue(ctx, s, tx, spec{account: req.AccountID, source: replaceSource(old.ID), kind: billingtype.EInvoiceReplacement,
		docs: docs, replaces: &rel, relatedID: old.ID, buyer: req.Buyer})
	if errors.Is(err, einvoice.ErrInvoice) || errors.Is(err, einvoice.ErrSymbol) {
		return storage.EInvoice{}, &billingtype.RequestError{Field: "Buyer", Reason: err.Error(), Err: err}
	}
	if err != nil {
		return storage.EInvoice{}, err
	}
	now := s.Now()
	old.ReplacedByID, old.UpdatedAt = rec.ID, now
	if err := tx.EInvoices().Update(ctx, old); err != nil {
		return storage.EInvoice{}, err
	}
	detail, err := json.Marshal(struct {
		Replaced string `json:"replaced"`
		By       string `json:"by"`
		Reason   string `json:"reason"`
	}{old.ID, rec.ID, req.Reason})
	if err != nil {
		return storage.EInvoice{}, err
	}
	_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: req.AccountID, Actor: req.Actor, Action: AuditEInvoiceReplaced, Detail: detail, At: now})
	return rec, err
}
