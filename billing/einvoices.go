package billing

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/storage"
)

// MaxEInvoiceXMLBytes is the largest signed e-invoice RecordEInvoiceStatus
// and a provider's receipt may hand back: 4 MiB, far above an invoice of
// a thousand lines.
const MaxEInvoiceXMLBytes = 4 << 20

// MaxEInvoiceCodeBytes is the longest provider reference, authority code
// or lookup code.
const MaxEInvoiceCodeBytes = 200

// EInvoice returns the account's e-invoice id. Errors: a *RequestError,
// ErrEInvoiceNotFound (also for another account's e-invoice).
func (s *System) EInvoice(ctx context.Context, accountID, id string) (_ EInvoice, err error) {
	ctx, op := s.env.Tel.Start(ctx, "EInvoice")
	defer op.End(&err)
	var c requestCheck
	c.accountID("AccountID", accountID)
	c.ref("EInvoiceID", id, true)
	if c.err != nil {
		return EInvoice{}, c.err
	}
	var out EInvoice
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		rec, err := invoicing.GetEInvoice(ctx, tx, accountID, id, false)
		out = eInvoiceView(rec)
		return err
	})
	if err != nil {
		return EInvoice{}, err
	}
	return out, nil
}

// EInvoices returns a page of the account's e-invoices, newest first (see
// ListRequest for paging).
func (s *System) EInvoices(ctx context.Context, req ListRequest) (_ Page[EInvoice], err error) {
	ctx, op := s.env.Tel.Start(ctx, "EInvoices")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[EInvoice]{}, err
	}
	var out []EInvoice
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		list, err := tx.EInvoices().List(ctx, req.AccountID, req.After, req.Limit)
		if err != nil {
			return cursorNotFound(err, ErrEInvoiceNotFound, req.After)
		}
		out = out[:0]
		for _, rec := range list {
			out = append(out, eInvoiceView(rec))
		}
		return nil
	})
	if err != nil {
		return Page[EInvoice]{}, err
	}
	return pageOf(out, req.Limit, func(e EInvoice) string { return e.ID }), nil
}

// DocumentEInvoices returns the e-invoices that state an invoice or
// credit note of the account, oldest first: its original (or the
// order's), any replacement, and for a credit note its adjustment. None
// is an empty slice (e-invoices off, a currency other than VND, or a
// document the e-invoice rules refused: see einvoice.failed).
func (s *System) DocumentEInvoices(ctx context.Context, accountID, documentID string) (_ []EInvoice, err error) {
	ctx, op := s.env.Tel.Start(ctx, "DocumentEInvoices")
	defer op.End(&err)
	var c requestCheck
	c.accountID("AccountID", accountID)
	c.ref("DocumentID", documentID, true)
	if c.err != nil {
		return nil, c.err
	}
	out := []EInvoice{}
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		list, err := tx.EInvoices().ByDocument(ctx, accountID, documentID)
		out = out[:0]
		for _, rec := range list {
			out = append(out, eInvoiceView(rec))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordEInvoiceStatus records where an e-invoice stands, as the
// e-invoice provider or the tax authority said (an audited, idempotent
// operation, "einvoice.status_recorded", announced by an einvoice.status
// event): statuses move forward only, draft → signed → sent → accepted or
// rejected (steps may be skipped); a draft moves on only with the
// provider's signed XML, which must verify and state exactly what was
// issued; accepted needs the authority's code and the lookup code,
// rejected a reason. Reporting the status it has fills in missing codes
// and changes nothing else. Errors: a *RequestError (ErrEInvoiceState for
// a move the status does not allow, einvoice.ErrSignature for a signed XML
// that does not verify or states something else), ErrEInvoiceNotFound,
// ErrAccountNotFound.
func (s *System) RecordEInvoiceStatus(ctx context.Context, key string, req RecordEInvoiceStatusRequest) (_ EInvoice, err error) {
	ctx, op := s.env.Tel.Start(ctx, "RecordEInvoiceStatus")
	defer op.End(&err)
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("EInvoiceID", req.EInvoiceID, true)
	if c.err == nil && !req.Status.Valid() {
		c.fail("Status", fmt.Sprintf("%q is not draft, signed, sent, accepted or rejected", core.ClipText(string(req.Status), 40)))
	}
	c.text("ProviderRef", req.ProviderRef, MaxEInvoiceCodeBytes)
	c.text("AuthorityCode", req.AuthorityCode, MaxEInvoiceCodeBytes)
	c.text("LookupCode", req.LookupCode, MaxEInvoiceCodeBytes)
	c.text("Reason", req.Reason, MaxReasonBytes)
	if c.err == nil && len(req.SignedXML) > MaxEInvoiceXMLBytes {
		c.fail("SignedXML", fmt.Sprintf("is %d bytes, more than %d", len(req.SignedXML), MaxEInvoiceXMLBytes))
	}
	c.actor(req.Actor)
	if c.err == nil && req.Actor == "" {
		c.fail("Actor", "is required for the audit trail")
	}
	if c.err != nil {
		return EInvoice{}, c.err
	}
	rec, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "einvoice.record_status", req, func(ctx context.Context, tx storage.Tx) (storage.EInvoice, error) {
		return invoicing.RecordEInvoiceStatus(ctx, s.env, tx, req)
	})
	if err != nil {
		return EInvoice{}, err
	}
	return eInvoiceView(rec), nil
}

// ReplaceEInvoice issues a replacement of an e-invoice that stated
// something wrong (an audited, idempotent operation, "einvoice.replaced"):
// the same documents under a new number of the current series, naming the
// replaced e-invoice's form, symbol, number and date with req.Reason, and
// the buyer's corrected legal details when req.Buyer is set. The replaced
// e-invoice records its replacement and stops being the one later
// adjustments refer to. Errors: a *RequestError (ErrEInvoiceState for an
// adjustment or an e-invoice replaced already), ErrEInvoicesOff,
// ErrEInvoiceNotFound, ErrAccountNotFound.
func (s *System) ReplaceEInvoice(ctx context.Context, key string, req ReplaceEInvoiceRequest) (_ EInvoice, err error) {
	ctx, op := s.env.Tel.Start(ctx, "ReplaceEInvoice")
	defer op.End(&err)
	var c requestCheck
	c.accountID("AccountID", req.AccountID)
	c.ref("EInvoiceID", req.EInvoiceID, true)
	c.text("Reason", req.Reason, MaxReasonBytes)
	if c.err == nil && req.Reason == "" {
		c.fail("Reason", "is required: the replacement states it")
	}
	if c.err == nil && req.Buyer != nil {
		if err := invoice.CheckParty("Buyer", *req.Buyer); err != nil {
			c.err = &RequestError{Field: "Buyer", Reason: err.Error(), Err: err}
		}
	}
	c.actor(req.Actor)
	if c.err == nil && req.Actor == "" {
		c.fail("Actor", "is required for the audit trail")
	}
	if c.err != nil {
		return EInvoice{}, c.err
	}
	if req.Buyer != nil {
		b := *req.Buyer
		req.Buyer = &b
	}
	rec, err := txn.Idempotent(ctx, s.env, req.AccountID, key, "einvoice.replace", req, func(ctx context.Context, tx storage.Tx) (storage.EInvoice, error) {
		return invoicing.ReplaceEInvoice(ctx, s.env, tx, req)
	})
	if err != nil {
		return EInvoice{}, err
	}
	return eInvoiceView(rec), nil
}

// submitEInvoice hands the e-invoice of an einvoice.issued event to the
// configured provider and records its receipt, unless a receipt (or a
// report) has moved it past signed already: a redelivered event does not
// submit twice once the first submission was recorded.
func (s *System) submitEInvoice(ctx context.Context, e storage.Event) error {
	provider := s.cfg.EInvoice.Provider
	var p EInvoicePayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return fmt.Errorf("billing: einvoice.issued event %s: %w", e.ID, err)
	}
	var rec storage.EInvoice
	err := s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		var err error
		rec, err = invoicing.GetEInvoice(ctx, tx, e.AccountID, p.EInvoiceID, false)
		return err
	})
	if err != nil {
		return err
	}
	if st := EInvoiceStatus(rec.Status); st != EInvoiceDraft && st != EInvoiceSigned {
		return nil
	}
	view := eInvoiceView(rec)
	receipt, err := provider.Submit(ctx, EInvoiceSubmission{ID: rec.ID, AccountID: rec.AccountID, Kind: view.Kind,
		Series: rec.Series, Number: view.Number, XML: view.XML, Signed: rec.Status == string(EInvoiceSigned)})
	if err != nil {
		return fmt.Errorf("billing: e-invoice provider: %w", err)
	}
	switch receipt.Status {
	case EInvoiceSent, EInvoiceAccepted, EInvoiceRejected:
	default:
		return fmt.Errorf("billing: e-invoice provider answered status %q for %s; want sent, accepted or rejected", core.ClipText(string(receipt.Status), 40), rec.ID)
	}
	_, err = s.RecordEInvoiceStatus(ctx, "einvoice-submitted:"+rec.ID, RecordEInvoiceStatusRequest{AccountID: rec.AccountID, EInvoiceID: rec.ID,
		Status: receipt.Status, ProviderRef: receipt.ProviderRef, AuthorityCode: receipt.AuthorityCode, LookupCode: receipt.LookupCode,
		Reason: receipt.Reason, SignedXML: receipt.SignedXML, Actor: ActorEInvoiceProvider})
	return err
}

// ActorEInvoiceProvider is the audit actor of what the configured
// e-invoice provider reports.
const ActorEInvoiceProvider = "einvoice-provider"

// eInvoiceView is the API's view of a stored e-invoice.
func eInvoiceView(rec storage.EInvoice) EInvoice {
	if rec.ID == "" {
		return EInvoice{}
	}
	form, symbol := 0, rec.Series
	if len(rec.Series) > 1 {
		form, symbol = int(rec.Series[0]-'0'), rec.Series[1:]
	}
	num, _ := einvoice.FormatNumber(rec.Number)
	return EInvoice{ID: rec.ID, AccountID: rec.AccountID, Kind: EInvoiceKind(rec.Kind), DocumentIDs: append([]string{}, rec.DocumentIDs...),
		Form: form, Symbol: symbol, Number: num, IssuedAt: rec.IssuedAt, RelatedID: rec.RelatedID, ReplacedByID: rec.ReplacedByID,
		Status: EInvoiceStatus(rec.Status), XML: append([]byte(nil), rec.XML...), ProviderRef: rec.ProviderRef,
		AuthorityCode: rec.AuthorityCode, LookupCode: rec.LookupCode, Reason: rec.Reason}
}
