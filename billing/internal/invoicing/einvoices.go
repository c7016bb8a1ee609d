package invoicing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/einvoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// The sources an e-invoice is issued for; one e-invoice per source.
func invoiceSource(id string) string    { return "invoice:" + id }
func orderSource(id string) string      { return "order:" + id }
func creditSource(id string) string     { return "credit:" + id }
func replaceSource(id string) string    { return "replace:" + id }
func monthSource(key string) string     { return "month:" + key }
func einvoiceSeries(s string) string    { return "einvoice/" + s }
func einvoiceStream(acct string) string { return "einvoice:" + acct }

// eInvoiceCurrency is the currency e-invoices are issued in: an e-invoice
// in another currency must state the day's exchange rate, which the
// System has no source of, so documents in other currencies get none.
const eInvoiceCurrency = "VND"

// EInvoiceIssued issues what an issued document calls for when the System
// issues e-invoices: an invoice its own e-invoice, unless it is an order's
// starting invoice (orderID set) and e-invoices are grouped per order, in
// which case EInvoiceOrder states it; a credit note an adjustment of the
// e-invoice that states the invoice it credits. A document the rules of
// an e-invoice refuse is reported by an einvoice.failed event and the
// operation goes on: the document stands.
func EInvoiceIssued(ctx context.Context, s *core.Env, tx storage.Tx, doc invoice.Invoice, orderID string) error {
	cfg := s.Cfg.EInvoice
	if cfg == nil || doc.Number == 0 || doc.Currency != eInvoiceCurrency {
		return nil
	}
	if doc.Kind == invoice.KindCreditNote {
		return eInvoiceAdjustment(ctx, s, tx, doc)
	}
	if orderID != "" && cfg.Grouping == billingtype.EInvoiceGrouped {
		_, err := tx.EInvoices().BySource(ctx, doc.AccountID, orderSource(orderID))
		if errors.Is(err, storage.ErrNotFound) {
			return nil // the order's e-invoice will state it
		}
		if err != nil {
			return err
		}
	}
	_, err := issue(ctx, s, tx, spec{account: doc.AccountID, source: invoiceSource(doc.ID), kind: billingtype.EInvoiceOriginal,
		docs: []invoice.Invoice{doc}})
	return reportFailure(ctx, s, tx, []invoice.Invoice{doc}, err)
}

// EInvoiceOrder issues the e-invoice of an order when e-invoices are
// grouped per order and none of its resources still waits to start (or
// at once with force): one e-invoice stating every starting invoice of its
// resources. An order whose e-invoice exists, or that has no invoice to
// state, gets none.
func EInvoiceOrder(ctx context.Context, s *core.Env, tx storage.Tx, accountID, orderID string, force bool) error {
	cfg := s.Cfg.EInvoice
	if cfg == nil || cfg.Grouping != billingtype.EInvoiceGrouped || orderID == "" {
		return nil
	}
	if _, err := tx.EInvoices().BySource(ctx, accountID, orderSource(orderID)); err == nil {
		return nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	rs, err := tx.Resources().ListByOrder(ctx, accountID, orderID)
	if err != nil {
		return err
	}
	var docs []invoice.Invoice
	for _, r := range rs {
		switch lifecycle.State(r.Status) {
		case lifecycle.StatePendingPayment, lifecycle.StateProvisioning:
			if !force {
				return nil
			}
			continue
		}
		if r.Postpaid {
			continue
		}
		// The invoices of the order's resources that no e-invoice states
		// are the starting invoices it deferred: every other invoice got
		// its own when it was issued.
		for _, id := range r.InvoiceIDs {
			rec, err := tx.Invoices().Get(ctx, accountID, id)
			if err != nil {
				return err
			}
			if rec.Kind != invoice.KindInvoice || rec.Currency != eInvoiceCurrency {
				continue
			}
			if stated, err := tx.EInvoices().ByDocument(ctx, accountID, rec.ID); err != nil {
				return err
			} else if len(stated) > 0 {
				continue
			}
			docs = append(docs, rec.Invoice)
		}
	}
	if len(docs) == 0 {
		return nil
	}
	_, err = issue(ctx, s, tx, spec{account: accountID, source: orderSource(orderID), kind: billingtype.EInvoiceOriginal, docs: docs})
	return reportFailure(ctx, s, tx, docs, err)
}

// eInvoiceAdjustment issues the adjustment of a credit note: it adjusts
// the e-invoice that now states the credited invoice (issuing the order's
// first when it is still waiting for its other resources).
func eInvoiceAdjustment(ctx context.Context, s *core.Env, tx storage.Tx, note invoice.Invoice) error {
	orig, err := currentEInvoice(ctx, tx, note.AccountID, note.CreditedInvoiceID)
	if errors.Is(err, storage.ErrNotFound) {
		credited, gerr := tx.Invoices().Get(ctx, note.AccountID, note.CreditedInvoiceID)
		if gerr != nil {
			return gerr
		}
		if err := EInvoiceOrder(ctx, s, tx, note.AccountID, credited.OrderID, true); err != nil {
			return err
		}
		orig, err = currentEInvoice(ctx, tx, note.AccountID, note.CreditedInvoiceID)
		if errors.Is(err, storage.ErrNotFound) && credited.Kind == invoice.KindInvoice && credited.Number != 0 &&
			credited.Currency == eInvoiceCurrency && credited.OrderID == "" {
			// A postpaid bill still waiting for its month's e-invoice is
			// credited first: it gets its own now, and the month's job
			// states the month's other bills.
			if _, err := issue(ctx, s, tx, spec{account: note.AccountID, source: invoiceSource(credited.ID), kind: billingtype.EInvoiceOriginal,
				docs: []invoice.Invoice{credited.Invoice}}); err != nil {
				return reportFailure(ctx, s, tx, []invoice.Invoice{credited.Invoice, note}, err)
			}
			orig, err = currentEInvoice(ctx, tx, note.AccountID, note.CreditedInvoiceID)
		}
	}
	if errors.Is(err, storage.ErrNotFound) {
		return reportFailure(ctx, s, tx, []invoice.Invoice{note}, fmt.Errorf("%w: the credited invoice %s has no e-invoice to adjust", einvoice.ErrInvoice, note.CreditedInvoiceID))
	}
	if err != nil {
		return err
	}
	rel, err := relatedOf(orig)
	if err != nil {
		return err
	}
	_, err = issue(ctx, s, tx, spec{account: note.AccountID, source: creditSource(note.ID), kind: billingtype.EInvoiceAdjustment,
		docs: []invoice.Invoice{note}, adjusts: &rel, relatedID: orig.ID})
	return reportFailure(ctx, s, tx, []invoice.Invoice{note}, err)
}

// currentEInvoice is the e-invoice that states document documentID now:
// the newest original or replacement of it not itself replaced.
func currentEInvoice(ctx context.Context, tx storage.Tx, accountID, documentID string) (storage.EInvoice, error) {
	list, err := tx.EInvoices().ByDocument(ctx, accountID, documentID)
	if err != nil {
		return storage.EInvoice{}, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if e := list[i]; e.Kind != string(billingtype.EInvoiceAdjustment) && e.ReplacedByID == "" {
			return e, nil
		}
	}
	return storage.EInvoice{}, storage.ErrNotFound
}

// relatedOf is how a later e-invoice names rec: form, symbol, number and
// date of issue.
func relatedOf(rec storage.EInvoice) (einvoice.Related, error) {
	if len(rec.Series) < 2 {
		return einvoice.Related{}, fmt.Errorf("billing: e-invoice %s has series %q", rec.ID, rec.Series)
	}
	form, err := strconv.Atoi(rec.Series[:1])
	if err != nil {
		return einvoice.Related{}, fmt.Errorf("billing: e-invoice %s has series %q: %w", rec.ID, rec.Series, err)
	}
	sym, err := einvoice.ParseSymbol(rec.Series[1:])
	if err != nil {
		return einvoice.Related{}, fmt.Errorf("billing: e-invoice %s: %w", rec.ID, err)
	}
	return einvoice.Related{Form: einvoice.Form(form), Symbol: sym, Number: rec.Number, Issued: rec.IssuedAt}, nil
}

// spec is one e-invoice to issue.
type spec struct {
	account, source string
	kind            billingtype.EInvoiceKind
	docs            []invoice.Invoice
	// adjusts or replaces name the earlier e-invoice, relatedID its id.
	adjusts, replaces *einvoice.Related
	relatedID         string
	// buyer, when set, replaces the documents' buyer.
	buyer *invoice.Party
}

// issue builds, numbers, signs (when the System holds the seller's key)
// and stores one e-invoice, and emits einvoice.issued with its XML. A
// source already e-invoiced gives the e-invoice it has. The e-invoice is
// checked before its number is drawn, so a refused one leaves no gap; the
// refusal is an *einvoice.InvoiceError.
func issue(ctx context.Context, s *core.Env, tx storage.Tx, sp spec) (storage.EInvoice, error) {
	if rec, err := tx.EInvoices().BySource(ctx, sp.account, sp.source); err == nil {
		return rec, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return storage.EInvoice{}, err
	}
	cfg := s.Cfg.EInvoice
	now := s.Now()
	inv, err := einvoice.FromDocuments(sp.docs, einvoice.Issue{Form: cfg.Form, Symbol: cfg.Symbol, Number: 1, Zone: cfg.Zone.String(),
		PaymentMethod: cfg.PaymentMethod, ZeroRate: cfg.ZeroRate, Adjusts: sp.adjusts, Replaces: sp.replaces, IssuedAt: now, Buyer: sp.buyer})
	if err != nil {
		return storage.EInvoice{}, err
	}
	series := einvoice.SeriesKey(inv.Form, inv.Symbol)
	num, err := tx.Invoices().NextNumber(ctx, einvoiceSeries(series))
	if err != nil {
		return storage.EInvoice{}, err
	}
	if _, err := einvoice.FormatNumber(num); err != nil {
		return storage.EInvoice{}, fmt.Errorf("%w: series %s is full: %v", einvoice.ErrInvoice, series, err)
	}
	inv.Number = num
	status := billingtype.EInvoiceDraft
	var xml []byte
	if cfg.Signer != nil {
		status = billingtype.EInvoiceSigned
		if xml, err = inv.SignedXML(*cfg.Signer); err != nil {
			return storage.EInvoice{}, err
		}
	} else {
		doc, err := inv.XML()
		if err != nil {
			return storage.EInvoice{}, err
		}
		if xml, err = doc.WriteToBytes(); err != nil {
			return storage.EInvoice{}, err
		}
	}
	id, err := s.NewID("einv")
	if err != nil {
		return storage.EInvoice{}, err
	}
	ids := make([]string, len(sp.docs))
	for i, d := range sp.docs {
		ids[i] = d.ID
	}
	rec := storage.EInvoice{ID: id, AccountID: sp.account, Source: sp.source, Kind: string(sp.kind), DocumentIDs: ids,
		Series: series, Number: num, IssuedAt: now, RelatedID: sp.relatedID, Status: string(status), XML: xml,
		CreatedAt: now, UpdatedAt: now}
	if err := tx.EInvoices().Create(ctx, rec); err != nil {
		return storage.EInvoice{}, err
	}
	payload := Payload(rec)
	payload.XML = xml
	return rec, outbox.Emit(ctx, s, tx, sp.account, einvoiceStream(sp.account), billingtype.EventEInvoiceIssued, "einvoice.issued:"+id, payload)
}

// reportFailure turns an e-invoice the rules refuse into an
// einvoice.failed event, so the operation that issued the documents goes
// on; other errors fail it.
func reportFailure(ctx context.Context, s *core.Env, tx storage.Tx, docs []invoice.Invoice, err error) error {
	if err == nil || !errors.Is(err, einvoice.ErrInvoice) && !errors.Is(err, einvoice.ErrSymbol) {
		return err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	s.Log.WarnContext(ctx, "document not e-invoiced", "account", docs[0].AccountID, "documents", ids, "error", err)
	return outbox.Emit(ctx, s, tx, docs[0].AccountID, einvoiceStream(docs[0].AccountID), billingtype.EventEInvoiceFailed, "",
		billingtype.EInvoiceFailedPayload{DocumentIDs: ids, Reason: err.Error()})
}

// Payload is the einvoice.* event body of rec, without its XML.
func Payload(rec storage.EInvoice) billingtype.EInvoicePayload {
	n, _ := einvoice.FormatNumber(rec.Number)
	return billingtype.EInvoicePayload{EInvoiceID: rec.ID, Kind: billingtype.EInvoiceKind(rec.Kind), DocumentIDs: rec.DocumentIDs,
		Series: rec.Series, Number: n, Status: billingtype.EInvoiceStatus(rec.Status), RelatedID: rec.RelatedID,
		AuthorityCode: rec.AuthorityCode, LookupCode: rec.LookupCode, Reason: rec.Reason}
}

// GroupsBills reports whether a postpaid account's bills of one month
// share an e-invoice (e-invoices on and grouped): the month close then
// schedules EInvoiceMonth instead of calling EInvoiceIssued.
func GroupsBills(s *core.Env) bool {
	return s.Cfg.EInvoice != nil && s.Cfg.EInvoice.Grouping == billingtype.EInvoiceGrouped
}

// MonthKey names a bill's month in the job that e-invoices it: the
// month's start and end, UTC.
func MonthKey(month period.Span) string {
	return month.Start.UTC().Format(time.RFC3339) + "/" + month.End.UTC().Format(time.RFC3339)
}

// maxMonthScan bounds how many of an account's newest documents
// EInvoiceMonth reads back to find a month's bills.
const maxMonthScan = 10_000

// EInvoiceMonth issues the e-invoice of an account's postpaid bills of the
// month key names (MonthKey): one e-invoice stating every bill of that
// month not e-invoiced yet, oldest first. A bill issued after it (a late
// close) gets its own. A month with no such bill gets none.
func EInvoiceMonth(ctx context.Context, s *core.Env, tx storage.Tx, accountID, key string) error {
	if s.Cfg.EInvoice == nil {
		return nil
	}
	from, to, ok := strings.Cut(key, "/")
	start, err1 := time.Parse(time.RFC3339, from)
	end, err2 := time.Parse(time.RFC3339, to)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("billing: e-invoice month job key %q is not a month", key)
	}
	if _, err := tx.EInvoices().BySource(ctx, accountID, monthSource(key)); err == nil {
		return nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	var docs []invoice.Invoice
	after := ""
	for scanned := 0; scanned < maxMonthScan; {
		page, err := tx.Invoices().List(ctx, accountID, "", after, 1000)
		if err != nil {
			return err
		}
		for _, rec := range page {
			if isMonthBill(rec.Invoice, start, end) {
				stated, err := tx.EInvoices().ByDocument(ctx, accountID, rec.ID)
				if err != nil {
					return err
				}
				if len(stated) == 0 {
					docs = append(docs, rec.Invoice)
				}
			}
		}
		scanned += len(page)
		// Bills are issued after their month ends: older documents are of
		// earlier months.
		if len(page) < 1000 || page[len(page)-1].IssuedAt.Before(end) {
			break
		}
		after = page[len(page)-1].ID
	}
	if len(docs) == 0 {
		return nil
	}
	slices.Reverse(docs)
	_, err := issue(ctx, s, tx, spec{account: accountID, source: monthSource(key), kind: billingtype.EInvoiceOriginal, docs: docs})
	return reportFailure(ctx, s, tx, docs, err)
}

// isMonthBill reports whether doc is a postpaid bill of the month [start,
// end): an issued invoice with a due date, in VND, every line's period in
// the month.
func isMonthBill(doc invoice.Invoice, start, end time.Time) bool {
	if doc.Kind != invoice.KindInvoice || doc.DueAt.IsZero() || doc.Number == 0 || doc.Currency != eInvoiceCurrency || len(doc.Lines) == 0 {
		return false
	}
	for _, l := range doc.Lines {
		if l.Period.Start.Before(start) || l.Period.End.After(end) {
			return false
		}
	}
	return true
}
