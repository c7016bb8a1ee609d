package billing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/beevik/etree"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// simEInvoicing is whether a sequence's System issues e-invoices, and how
// they are grouped.
type simEInvoicing int

const (
	einvoicesOff simEInvoicing = iota
	einvoicesPerInvoice
	einvoicesGrouped
)

func (m simEInvoicing) String() string {
	return [...]string{"without e-invoices", "with an e-invoice per invoice", "with grouped e-invoices"}[m]
}

// drawEInvoicing draws the sequence's e-invoicing from a source of its own,
// so the other draws of its world are those they were before: off in a
// third of the sequences, per invoice or grouped in the others.
func drawEInvoicing(seed uint64) simEInvoicing {
	return simEInvoicing(rand.New(rand.NewPCG(seed, 0xe1)).IntN(3))
}

// simSeller is the provider's legal details in the worlds with e-invoices.
var simSeller = invoice.Party{Name: "Công ty Cổ phần Mây Việt", TaxCode: "0101234567", Address: "1 Phố Huế, Hà Nội"}

// configureEInvoices turns e-invoices on as drawn: unsigned (the
// provider signs), so the simulation spends no time on RSA.
func (m simEInvoicing) configure(c *billing.Config) {
	if m == einvoicesOff {
		return
	}
	c.Seller = simSeller
	c.EInvoice = &billing.EInvoiceConfig{Symbol: "C26TAA", Grouping: billing.EInvoicePerInvoice}
	if m == einvoicesGrouped {
		c.EInvoice.Grouping = billing.EInvoiceGrouped
	}
}

// checkEInvoices checks the e-invoices of the sequence's accounts against
// their documents:
//   - every series is gapless, 1 … n, each number once;
//   - no document is stated by two originals, nor a credit note by two
//     adjustments;
//   - an e-invoice's total is its documents' (a credit note's negated),
//     and an adjustment names the e-invoice that states the credited
//     invoice;
//   - every issued VND document is stated, or still waits for its group
//     (an order with a resource not started, a month whose job is due),
//     or was reported by an einvoice.failed event.
func (r *simRun) checkEInvoices() {
	if r.einvoicing == einvoicesOff {
		return
	}
	err := r.e.st.InTx(r.ctx, func(ctx context.Context, tx storage.Tx) error {
		numbers := map[string][]int64{}
		for _, acct := range r.m.acctIDs {
			if err := r.checkAccountEInvoices(ctx, tx, acct, numbers); err != nil {
				return err
			}
		}
		for series, list := range numbers {
			slices.Sort(list)
			for i, n := range list {
				if n != int64(i+1) {
					r.failf("e-invoice series %s is not gapless: numbers %v", series, list)
					return nil
				}
			}
			r.m.hits["e-invoice series checked gapless"]++
		}
		return nil
	})
	r.noErr(err, "checking e-invoices")
}

func (r *simRun) checkAccountEInvoices(ctx context.Context, tx storage.Tx, acct string, numbers map[string][]int64) error {
	docs := map[string]storage.Invoice{}
	after := ""
	for {
		page, err := tx.Invoices().List(ctx, acct, "", after, 1000)
		if err != nil {
			return err
		}
		for _, d := range page {
			docs[d.ID] = d
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	var einvs []storage.EInvoice
	after = ""
	for {
		page, err := tx.EInvoices().List(ctx, acct, after, 1000)
		if err != nil {
			return err
		}
		einvs = append(einvs, page...)
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	byID := map[string]storage.EInvoice{}
	stated := map[string]string{} // document id → the e-invoice stating it
	for _, e := range einvs {
		byID[e.ID] = e
		numbers[e.Series] = append(numbers[e.Series], e.Number)
		for _, id := range e.DocumentIDs {
			if prev, ok := stated[id]; ok {
				r.failf("document %s is stated by e-invoices %s and %s", id, prev, e.ID)
				return nil
			}
			stated[id] = e.ID
		}
		if len(e.DocumentIDs) > 1 {
			r.m.hits["e-invoices stating several documents"]++
		}
	}
	for _, e := range einvs {
		var sum int64
		for _, id := range e.DocumentIDs {
			d, ok := docs[id]
			if !ok {
				r.failf("e-invoice %s states document %s, which account %s does not have", e.ID, id, acct)
				return nil
			}
			n := minorOf(d.Total)
			if d.Kind == invoice.KindCreditNote {
				n = -n
				orig, ok := byID[e.RelatedID]
				if !ok || !slices.Contains(orig.DocumentIDs, d.CreditedInvoiceID) {
					r.failf("adjustment %s of credit note %s names e-invoice %q, which does not state the credited invoice %s", e.ID, id, e.RelatedID, d.CreditedInvoiceID)
					return nil
				}
				r.m.hits["e-invoice adjustments checked"]++
			}
			sum += n
		}
		got, err := eInvoicePayable(e.XML)
		if err != nil {
			r.failf("e-invoice %s: %v", e.ID, err)
			return nil
		}
		if got != sum {
			r.failf("e-invoice %s states %d payable, its documents %v total %d", e.ID, got, e.DocumentIDs, sum)
			return nil
		}
		r.m.hits["e-invoices checked against their documents"]++
	}
	failed, issued, err := r.eInvoiceEvents(ctx, tx, acct)
	if err != nil {
		return err
	}
	for _, e := range einvs {
		if issued[e.ID] != 1 {
			r.failf("e-invoice %s was announced by %d einvoice.issued events, want 1", e.ID, issued[e.ID])
			return nil
		}
		delete(issued, e.ID)
	}
	for id := range issued {
		r.failf("an einvoice.issued event names e-invoice %s, which account %s does not have", id, acct)
		return nil
	}
	for id, d := range docs {
		if _, ok := stated[id]; ok || d.Number == 0 || d.Currency != "VND" {
			continue
		}
		if failed[id] {
			r.m.hits["documents an e-invoice refused"]++
			continue
		}
		waiting, err := r.eInvoiceWaits(ctx, tx, d)
		if err != nil {
			return err
		}
		if waiting {
			r.m.hits["documents waiting for their group's e-invoice"]++
			continue
		}
		var states []string
		if d.OrderID != "" {
			rs, err := tx.Resources().ListByOrder(ctx, acct, d.OrderID)
			if err != nil {
				return err
			}
			for _, res := range rs {
				states = append(states, fmt.Sprint(res.ID, " ", res.Status, " ", res.InvoiceIDs))
			}
		}
		_, orderErr := tx.EInvoices().BySource(ctx, acct, "order:"+d.OrderID)
		r.failf("document %s (%s %s, memo %q, resource %s, order %q: %v; order's e-invoice: %v) of account %s has no e-invoice",
			id, d.Kind, d.DisplayNumber(), d.Memo, d.ResourceID, d.OrderID, states, orderErr, acct)
		return nil
	}
	return nil
}

// eInvoiceWaits reports whether a grouped document's e-invoice is still
// to come: an order's invoice while a resource of the order has not
// started, a postpaid bill while its month's job is scheduled.
func (r *simRun) eInvoiceWaits(ctx context.Context, tx storage.Tx, d storage.Invoice) (bool, error) {
	if r.einvoicing != einvoicesGrouped || d.Kind != invoice.KindInvoice {
		return false, nil
	}
	if d.OrderID != "" {
		rs, err := tx.Resources().ListByOrder(ctx, d.AccountID, d.OrderID)
		if err != nil {
			return false, err
		}
		for _, res := range rs {
			if s := lifecycle.State(res.Status); s == lifecycle.StatePendingPayment || s == lifecycle.StateProvisioning {
				return true, nil
			}
		}
	}
	if !d.DueAt.IsZero() {
		jobs, err := tx.Jobs().List(ctx, d.AccountID, "einvoice_month")
		if err != nil {
			return false, err
		}
		if len(jobs) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// eInvoiceEvents reads the account's e-invoice events: the documents
// einvoice.failed events named, and how many einvoice.issued events name
// each e-invoice.
func (r *simRun) eInvoiceEvents(ctx context.Context, tx storage.Tx, acct string) (failed map[string]bool, issued map[string]int, err error) {
	failed, issued = map[string]bool{}, map[string]int{}
	var after int64
	for {
		page, err := tx.Outbox().List(ctx, acct, after, 1000)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range page {
			switch e.Kind {
			case string(billing.EventEInvoiceFailed):
				var p billing.EInvoiceFailedPayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return nil, nil, err
				}
				for _, id := range p.DocumentIDs {
					failed[id] = true
				}
			case string(billing.EventEInvoiceIssued):
				var p billing.EInvoicePayload
				if err := json.Unmarshal(e.Payload, &p); err != nil {
					return nil, nil, err
				}
				issued[p.EInvoiceID]++
			}
		}
		if len(page) < 1000 {
			return failed, issued, nil
		}
		after = page[len(page)-1].Seq
	}
}

// eInvoicePayable is the total payable an e-invoice's XML states, in
// minor units (VND has none).
func eInvoicePayable(xml []byte) (int64, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil {
		return 0, err
	}
	el := doc.FindElement("/HDon/DLHDon/NDHDon/TToan/TgTTTBSo")
	if el == nil {
		return 0, errors.New("no TgTTTBSo")
	}
	var n int64
	_, err := fmt.Sscan(el.Text(), &n)
	return n, err
}
