package invoicing

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/shopspring/decimal"
)

// DescribeConfiguration names a configuration for people: its plan, then
// its non-zero components in id order ("basic-1, ssd_gb 50").
func DescribeConfiguration(c pricing.Configuration) string {
	ids := make([]string, 0, len(c.Components))
	for id, n := range c.Components {
		if n != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	parts := make([]string, 0, len(ids)+1)
	if c.Plan != "" {
		parts = append(parts, c.Plan)
	}
	for _, id := range ids {
		parts = append(parts, id+" "+strconv.FormatInt(c.Components[id], 10))
	}
	if len(parts) == 0 {
		return "no configuration"
	}
	return strings.Join(parts, ", ")
}

// Charge is what a resource's invoice line states: its explanation (the
// English details and the steps as numbers), its period, the amount
// before discounts and the discounts, the memo, and the tax the line was
// priced with (see TaxOfLine).
type Charge struct {
	Details          []string
	Explain          []invoice.Detail
	Span             period.Span
	Amount, Discount money.Amount
	Memo             string
	Tax              LineTax
}

// IssueInvoice creates and issues a resource's invoice, Paid, with one line
// for c's span: amount before discounts, the discounts (term and coupon
// shares), and the tax the line was priced with. Numbers come from the
// year's series in the account's zone, allocated in this transaction
// (gapless).
func IssueInvoice(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, c Charge) (invoice.Invoice, error) {
	mode, err := catalogMode(s, acct)
	if err != nil {
		return invoice.Invoice{}, err
	}
	return issueInvoiceIn(ctx, s, tx, acct, r, d, c, mode, "")
}

// IssueStartInvoice is IssueInvoice for the invoice of a resource's first
// term, issued when it starts: when e-invoices are grouped per order, the
// order's e-invoice states it (EInvoiceOrder), not one of its own.
func IssueStartInvoice(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, c Charge) (invoice.Invoice, error) {
	mode, err := catalogMode(s, acct)
	if err != nil {
		return invoice.Invoice{}, err
	}
	return issueInvoiceIn(ctx, s, tx, acct, r, d, c, mode, r.OrderID)
}

// catalogMode is whether the account's catalog states prices with tax.
func catalogMode(s *core.Env, acct storage.Account) (invoice.TaxMode, error) {
	tax, err := s.TaxFor(acct.Currency)
	if err != nil {
		return invoice.TaxExclusive, err
	}
	if tax.Mode.String() == "inclusive" {
		return invoice.TaxInclusive, nil
	}
	return invoice.TaxExclusive, nil
}

// IssueValueInvoice issues a resource's Paid invoice whose total is
// exactly value, tax included: the line's amount is the list total
// c.Amount (tax included) and the difference is the customer's discount
// (c.Discount is ignored). A resize uses it for the value carried into the
// new configuration, which is money already paid with its tax, so the
// document states prices with tax included whatever the catalog's mode.
func IssueValueInvoice(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	c Charge, value money.Amount) (invoice.Invoice, error) {
	if cmp, err := value.Cmp(c.Amount); err != nil {
		return invoice.Invoice{}, err
	} else if cmp > 0 {
		c.Amount = value
	}
	discount, err := c.Amount.Sub(value)
	if err != nil {
		return invoice.Invoice{}, err
	}
	c.Discount = discount
	return issueInvoiceIn(ctx, s, tx, acct, r, d, c, invoice.TaxInclusive, "")
}

// issueInvoiceIn is IssueInvoice with the document's tax mode given, and
// the order whose e-invoice states it (or "").
func issueInvoiceIn(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	c Charge, mode invoice.TaxMode, groupOrder string) (invoice.Invoice, error) {
	now := s.Now()
	id, err := s.NewID("inv")
	if err != nil {
		return invoice.Invoice{}, err
	}
	line, err := invoice.PriceLine(invoice.LineInput{
		Description: describeResource(r.ProductID, d), Period: c.Span, Quantity: decimalOne(),
		UnitPrice: c.Amount, Discount: c.Discount, TaxRate: c.Tax.Rate, TaxTreatment: c.Tax.Treatment, Details: c.Details, Explain: c.Explain,
		ResourceID: r.ID, ResourceName: d.Name, Product: core.ClipText(r.ProductID, 200), Service: core.ClipText(ServiceName(s, acct.Currency, r.ProductID), 200),
		Item: core.ClipText(DescribeConfiguration(d.Configuration), 200), Unit: PeriodUnit,
	}, mode)
	if err != nil {
		return invoice.Invoice{}, err
	}
	draft, err := invoice.New(invoice.Draft{ID: id, AccountID: acct.ID, ResourceID: r.ID, Currency: acct.Currency,
		TaxMode: mode, Lines: []invoice.Line{line}, CreatedAt: now, Memo: c.Memo})
	if err != nil {
		return invoice.Invoice{}, err
	}
	if draft, err = WithParties(s, acct, draft); err != nil {
		return invoice.Invoice{}, err
	}
	cal := s.Rules(acct, r.ProductID).Calendar()
	series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
	if err != nil {
		return invoice.Invoice{}, err
	}
	num, err := tx.Invoices().NextNumber(ctx, series)
	if err != nil {
		return invoice.Invoice{}, err
	}
	issued, err := invoice.IssuePaid(draft, series, num, now)
	if err != nil {
		return invoice.Invoice{}, err
	}
	if err := StoreInvoice(ctx, s, tx, issued, r.OrderID, true); err != nil {
		return invoice.Invoice{}, err
	}
	if err := EInvoiceIssued(ctx, s, tx, issued, groupOrder); err != nil {
		return invoice.Invoice{}, err
	}
	return issued, outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventInvoiceIssued, "", outbox.Zoned(s, acct, billingtype.InvoicePayload{InvoiceID: issued.ID,
		Number: issued.DisplayNumber(), ResourceID: r.ID, Total: issued.Total, Status: issued.Status}))
}

// StoreInvoice writes an invoice value to the store (create or update).
func StoreInvoice(ctx context.Context, s *core.Env, tx storage.Tx, inv invoice.Invoice, orderID string, create bool) error {
	rec := storage.Invoice{Invoice: inv, OrderID: orderID, UpdatedAt: s.Now()}
	if create {
		return tx.Invoices().Create(ctx, rec)
	}
	return tx.Invoices().Update(ctx, rec)
}

// actionConfig is a catalog configuration as the action log records it.
func actionConfig(c pricing.Configuration) invoice.Configuration {
	return invoice.Configuration{Plan: c.Plan, Components: c.Components}
}

// PeriodUnit is the unit of a prepaid invoice line: one resource at its
// configuration for the line's Period.
const PeriodUnit = "period"

// ServiceName is the catalog's display name of product productID in
// currency's catalog ("vServer"), or "" when the catalog has no such
// product (any longer).
func ServiceName(s *core.Env, currency, productID string) string {
	cat, err := s.CatalogFor(currency)
	if err != nil {
		return ""
	}
	name, err := cat.ProductName(productID)
	if err != nil {
		return ""
	}
	return name
}

func describeResource(productID string, d *storage.ResourceDetail) string {
	if d.Configuration.Plan != "" {
		return fmt.Sprintf("%s %s", productID, d.Configuration.Plan)
	}
	return productID
}

func decimalOne() decimal.Decimal { return decimal.NewFromInt(1) }
