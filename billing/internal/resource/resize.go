package resource

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// ApplyResize applies a resize at now in the caller's transaction. The
// customer's unused paid value U is credited off the current invoices and
// a new Paid invoice is issued at the new configuration for the rest of
// the term, worth U + charged for an upgrade (charged is what the upgrade
// order took) or U − refund for a downgrade, where refund is the list
// difference scaled by what the customer actually paid
// (lifecycle.DowngradeRefund) when the product refunds downgrades. The
// new configuration and price, the refund to cash, the host event and the
// action log follow. It returns the refund.
func ApplyResize(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, t order.Resize,
	charged money.Amount, actor string) (money.Amount, error) {
	now := s.Now()
	if !r.PeriodEnd.Equal(t.End) {
		// Renewed since the upgrade was ordered: the extra term keeps the
		// old price; the resize applies to what was paid for.
		t.End = r.PeriodEnd
	}
	t.Start = now
	unused, value, err := UnusedValue(ctx, s, tx, acct, *r, *d, now)
	if err != nil {
		return money.Amount{}, err
	}
	unusedList, err := value.UnusedList(acct.Currency, now)
	if err != nil {
		return money.Amount{}, err
	}
	refund := unused.MulInt(0)
	if !charged.IsPositive() && s.Rules(acct, r.ProductID).Policy().RefundOnDowngrade {
		if refund, err = lifecycle.DowngradeRefund(unused, unusedList, t.OldLine.Total, t.NewLine.Total); err != nil {
			return money.Amount{}, err
		}
	}
	after, err := unused.Add(charged)
	if err != nil {
		return money.Amount{}, err
	}
	if after, err = after.Sub(refund); err != nil {
		return money.Amount{}, err
	}
	oldCfg := d.Configuration
	note := "resize: " + invoicing.DescribeConfiguration(oldCfg) + " → " + invoicing.DescribeConfiguration(t.Configuration)
	coded := invoice.CreditReason{Code: invoice.CreditResize, Note: core.ClipText(invoicing.DescribeConfiguration(oldCfg)+" → "+invoicing.DescribeConfiguration(t.Configuration), invoice.MaxTextLen)}
	if err := CreditExactly(ctx, s, tx, acct, r, d, unused, core.ClipText(note, invoice.MaxTextLen), coded); err != nil {
		return money.Amount{}, err
	}
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return money.Amount{}, err
	}
	price, err := cat.PricePer30Days(r.ProductID, t.Configuration)
	if err != nil {
		return money.Amount{}, err
	}
	d.Configuration, d.PricePer30Days = t.Configuration, price.Amount
	invoiceID := ""
	if after.IsPositive() {
		lt, err := invoicing.TaxOfLine(s, acct, t.NewLine)
		if err != nil {
			return money.Amount{}, err
		}
		inv, err := invoicing.IssueValueInvoice(ctx, s, tx, acct, r, d, invoicing.Charge{Details: t.NewLine.Breakdown, Explain: t.NewLine.Explain,
			Span: period.Span{Start: t.Start, End: t.End}, Amount: t.NewLine.Total, Memo: "resize", Tax: lt}, after)
		if err != nil {
			return money.Amount{}, err
		}
		d.InvoiceIDs = append(d.InvoiceIDs, inv.ID)
		invoiceID = inv.ID
	}
	list, err := resizedList(unusedList, t, charged, after)
	if err != nil {
		return money.Amount{}, err
	}
	v, err := lifecycle.Rebase(now, t.End, after, list)
	if err != nil {
		return money.Amount{}, err
	}
	SetValue(d, v)
	r.UpdatedAt = now
	if refund.IsPositive() {
		if err := ledger.RefundToCash(ctx, s, tx, acct, refund, payment.RefResource, r.ID, core.ClipText(note, payment.MaxMemoLen)); err != nil {
			return money.Amount{}, err
		}
	}
	if err := SaveResource(ctx, s, tx, r, d, s.Rules(acct, r.ProductID)); err != nil {
		return money.Amount{}, err
	}
	if err := outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventResize, "", billingtype.ResizePayload{ResourceID: r.ID, From: oldCfg, To: t.Configuration}); err != nil {
		return money.Amount{}, err
	}
	return refund, invoicing.LogAction(ctx, s, tx, acct, actor, r.ID, invoice.ActionResize, oldCfg, t.Configuration,
		period.Span{Start: t.Start, End: t.End}, period.Span{Start: t.Start, End: t.End}, invoiceID, note)
}

// SameConfiguration reports whether two configurations are the same plan
// with the same non-zero components (a resize between them changes nothing).
func SameConfiguration(a, b pricing.Configuration) bool {
	if a.Plan != b.Plan {
		return false
	}
	count := func(m map[string]int64) int {
		n := 0
		for _, v := range m {
			if v != 0 {
				n++
			}
		}
		return n
	}
	if count(a.Components) != count(b.Components) {
		return false
	}
	for k, v := range a.Components {
		if v != 0 && b.Components[k] != v {
			return false
		}
	}
	return true
}

// resizedList is the list value of the rest of the term after a resize:
// the unused list value plus the upgrade's list charge, or less the
// downgrade's list difference (never below what the customer still
// holds). So a customer who paid list price keeps holding exactly the
// list price, and one who paid half keeps holding half.
func resizedList(unusedList money.Amount, t order.Resize, charged, after money.Amount) (money.Amount, error) {
	if charged.IsPositive() {
		extra := t.ListCharge
		if extra.Currency().IsZero() || !extra.IsPositive() {
			extra = charged // an upgrade ordered before list charges were kept
		}
		return unusedList.Add(extra)
	}
	diff, err := t.OldLine.Total.Sub(t.NewLine.Total)
	if err != nil {
		return money.Amount{}, err
	}
	list, err := unusedList.Sub(diff)
	if err != nil {
		return money.Amount{}, err
	}
	return maxAmount(list, after), nil
}

// maxAmount returns the larger of two amounts of one currency.
func maxAmount(a, b money.Amount) money.Amount {
	if c, err := a.Cmp(b); err == nil && c < 0 {
		return b
	}
	return a
}
