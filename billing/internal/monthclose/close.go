package monthclose

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/invoicing"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/usage"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/shopspring/decimal"
)

// MonthCloseAt is when the month containing t, in cal, is closed: its end
// plus Postpaid.CloseDelay.
func MonthCloseAt(s *core.Env, cal period.Calendar, t time.Time) time.Time {
	return cal.NextMonthStart(t).Add(s.Cfg.Postpaid.CloseDelay)
}

// billID is the id of a resource's bill for month: one per (resource,
// month), so that a second close of the same month finds the first bill
// instead of issuing another.
func billID(resourceID string, month period.Span, cal period.Calendar) string {
	t := month.Start.In(cal.Location())
	y := t.Year()
	if y < 0 || y > 9999 {
		return "bill_" + resourceID + "_" + t.Format("2006-01")
	}
	// t.Format("2006-01") written straight into the id: one allocation.
	b := make([]byte, 0, len("bill_")+len(resourceID)+len("_2006-01"))
	b = append(b, "bill_"...)
	b = append(b, resourceID...)
	b = append(b, '_', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(t.Month())/10), byte('0'+int(t.Month())%10))
	return string(b)
}

// NextUnclosedMonth returns the first month of a postpaid resource not yet
// closed, in cal, and whether there is one to bill at all: a resource
// stopped before that month started has nothing left.
func NextUnclosedMonth(r *storage.Resource, d *storage.ResourceDetail, cal period.Calendar) (period.Span, bool) {
	from := d.ClosedThrough
	if from.IsZero() {
		from = r.PeriodStart
	}
	if from.IsZero() {
		return period.Span{}, false // not active yet: nothing runs
	}
	month := cal.MonthSpan(from)
	if !d.StoppedAt.IsZero() && !d.StoppedAt.After(month.Start) {
		return period.Span{}, false
	}
	return month, true
}

// ClosePostpaid closes, inside tx and under the resource's lock, every
// month of a postpaid resource whose close time has come by now (through
// the month containing through, when that is not zero), issuing one bill
// per month that has anything to bill, and sets the resource's next due
// time to its next close. It returns the bills issued, oldest first. A
// month already billed (its bill exists) is not billed again.
func ClosePostpaid(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	now, through time.Time) ([]invoice.Invoice, error) {
	cal := s.Rules(acct, r.ProductID).Calendar()
	drafts, err := planClose(ctx, s, tx, acct, r, d, cal, now, through, true)
	if err != nil {
		return nil, err
	}
	issued := make([]invoice.Invoice, 0, len(drafts))
	for _, draft := range drafts {
		series, err := invoice.SeriesFor(invoice.KindInvoice, now, cal.Location())
		if err != nil {
			return nil, err
		}
		num, err := tx.Invoices().NextNumber(ctx, series)
		if err != nil {
			return nil, err
		}
		inv, err := issueBill(s, draft, series, num, cal, now)
		if err != nil {
			return nil, err
		}
		if err := invoicing.StoreInvoice(ctx, s, tx, inv, "", true); err != nil {
			return nil, err
		}
		if err := eInvoiceBill(ctx, s, tx, acct, cal, inv, now); err != nil {
			return nil, err
		}
		if err := outbox.Emit(ctx, s, tx, acct.ID, r.ID, billingtype.EventInvoiceIssued, billIssuedKey(inv), outbox.Zoned(s, acct, billIssuedPayload(inv))); err != nil {
			return nil, err
		}
		if err := billIssued(ctx, s, tx, acct, inv, now); err != nil {
			return nil, err
		}
		issued = append(issued, inv)
	}
	r.UpdatedAt = now
	r.ResourceDetail = *d
	if _, err := tx.Resources().Update(ctx, *r); err != nil {
		return nil, err
	}
	return issued, nil
}

// planClose decides, without writing, what closing a postpaid resource's
// months does: for every month whose close time has come by now (through
// the month containing through, when that is not zero) and that has
// anything to bill, a draft bill with the month's bill id, oldest first.
// It moves d on as issuing them does (months closed, ended intervals
// dropped, coupon shares used, bill ids listed) and sets r's next due time
// to its next close. With check set, a month whose bill exists already is
// closed without a bill; without it, the caller's write of the bill finds
// the existing one (storage.ErrDuplicate) and must not keep the close.
func planClose(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	cal period.Calendar, now, through time.Time, check bool) ([]invoice.Invoice, error) {
	var drafts []invoice.Invoice
	for {
		month, ok := NextUnclosedMonth(r, d, cal)
		if !ok {
			r.NextDueAt = time.Time{}
			break
		}
		closeAt := month.End.Add(s.Cfg.Postpaid.CloseDelay)
		if now.Before(closeAt) || (!through.IsZero() && !through.After(month.Start)) {
			r.NextDueAt = closeAt
			break
		}
		draft, billed, err := planMonth(ctx, s, tx, acct, r, d, month, cal, now, check)
		if err != nil {
			return nil, err
		}
		if billed {
			drafts = append(drafts, draft)
		}
		d.ClosedThrough = month.End
		d.Intervals = slices.DeleteFunc(d.Intervals, func(iv postpaid.Interval) bool {
			return !iv.To.IsZero() && !iv.To.After(month.End)
		})
	}
	return drafts, nil
}

// planMonth drafts the resource's bill for month and takes the coupons it
// used off the resource's remaining coupon shares. billed is false when
// nothing fell in the month, or, with check set, when the month's bill was
// issued before (the month is done).
func planMonth(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	month period.Span, cal period.Calendar, now time.Time, check bool) (invoice.Invoice, bool, error) {
	id := billID(r.ID, month, cal)
	if check {
		if _, err := tx.Invoices().Get(ctx, acct.ID, id); err == nil {
			return invoice.Invoice{}, false, nil
		} else if !errors.Is(err, storage.ErrNotFound) {
			return invoice.Invoice{}, false, err
		}
	}
	bill, ok, err := MonthBill(ctx, s, tx, acct, r, d, month, time.Time{})
	if err != nil || !ok {
		return invoice.Invoice{}, false, err
	}
	draft, err := BillDraft(s, acct, r, d, bill, id, now)
	if err != nil {
		return invoice.Invoice{}, false, err
	}
	d.InvoiceIDs = append(d.InvoiceIDs, draft.ID)
	for _, use := range bill.Coupons {
		left, err := d.CouponShares[use.Code].Sub(use.Applied)
		if err != nil {
			return invoice.Invoice{}, false, err
		}
		if left.IsPositive() {
			d.CouponShares[use.Code] = left
		} else {
			delete(d.CouponShares, use.Code)
		}
	}
	return draft, true, nil
}

// issueBill issues a drafted month bill as number num of series, due
// Postpaid.PaymentTermDays days after now on the account's calendar.
func issueBill(s *core.Env, draft invoice.Invoice, series string, num int64, cal period.Calendar, now time.Time) (invoice.Invoice, error) {
	return invoice.Issue(draft, series, num, now, cal.AddDays(now, s.Cfg.Postpaid.PaymentTermDays).UTC())
}

// billIssuedKey is the outbox key of a bill's invoice.issued event: one
// event per bill, whatever retries happen.
func billIssuedKey(inv invoice.Invoice) string { return "issued:" + inv.ID }

// billIssuedPayload is the invoice.issued payload of an issued month bill.
func billIssuedPayload(inv invoice.Invoice) billingtype.InvoicePayload {
	return billingtype.InvoicePayload{InvoiceID: inv.ID, Number: inv.DisplayNumber(), ResourceID: inv.ResourceID, Total: inv.Total,
		Status: inv.Status, DueAt: inv.DueAt}
}

// MonthBill prices a postpaid resource's month: its configuration
// intervals to the minute (to its stop time, or to cutoff when that is not
// zero — a preview bills to now), its metered usage in the month, and its
// remaining coupon shares. ok is false when nothing fell in the month.
func MonthBill(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail,
	month period.Span, cutoff time.Time) (postpaid.Bill, bool, error) {
	in := postpaid.Resource{ResourceID: r.ID, Intervals: withAccountDiscount(d.Intervals, acct), StoppedAt: d.StoppedAt}
	if !cutoff.IsZero() && (in.StoppedAt.IsZero() || cutoff.Before(in.StoppedAt)) {
		in.StoppedAt = cutoff
	}
	charges, err := usage.UsageCharges(ctx, s, tx, acct, r.ID, month)
	if err != nil {
		return postpaid.Bill{}, false, err
	}
	tax, err := s.PriceTax(acct.Currency, r.ProductID)
	if err != nil {
		return postpaid.Bill{}, false, err
	}
	if in.Usage, err = usage.Metered(charges, tax); err != nil {
		return postpaid.Bill{}, false, err
	}
	WithAccountTax(&in, acct)
	rate := usage.DiscountRate(s, acct, r.ProductID, d.Configuration)
	for i := range in.Usage {
		in.Usage[i].DiscountRate = rate
	}
	if len(in.Intervals) == 0 && len(in.Usage) == 0 {
		return postpaid.Bill{}, false, nil
	}
	codes := make([]string, 0, len(d.CouponShares))
	for code := range d.CouponShares {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		in.Coupons = append(in.Coupons, postpaid.Coupon{Code: code, Amount: d.CouponShares[code]})
	}
	bill, err := postpaid.Close(month, in)
	if err != nil {
		return postpaid.Bill{}, false, err
	}
	return bill, len(bill.Lines) > 0, nil
}

// withAccountDiscount returns the intervals to bill for acct: each at the
// account's contract discount when it has one (it applies to every month
// not yet closed, whole), else at the catalog discount fixed on the
// interval when its configuration took effect. ivs is not changed.
func withAccountDiscount(ivs []postpaid.Interval, acct storage.Account) []postpaid.Interval {
	if acct.DiscountRate.IsZero() {
		return ivs
	}
	out := slices.Clone(ivs)
	for i := range out {
		out[i].DiscountRate = acct.DiscountRate
	}
	return out
}

// BillDraft turns a month's bill into a draft invoice with the given id:
// one invoice line per bill line, the pre-tax amount split into the amount
// before the discount rate and the discount, the coupon taken after tax.
func BillDraft(s *core.Env, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, bill postpaid.Bill, id string, now time.Time) (invoice.Invoice, error) {
	lines := make([]invoice.Line, 0, len(bill.Lines))
	service := invoicing.ServiceName(s, acct.Currency, r.ProductID)
	for _, bl := range bill.Lines {
		l, err := billLine(r, service, d, bl)
		if err != nil {
			return invoice.Invoice{}, err
		}
		if acct.TaxTreatment.Untaxed() {
			l.TaxTreatment = acct.TaxTreatment // declared KCT, 0% or KKKNT
		}
		lines = append(lines, l)
	}
	draft, err := invoice.New(invoice.Draft{ID: id, AccountID: acct.ID, ResourceID: r.ID, Currency: acct.Currency,
		TaxMode: invoice.TaxExclusive, Lines: lines, CreatedAt: now,
		Memo: billMemo(bill.Month.Start.In(s.Rules(acct, r.ProductID).Calendar().Location()))})
	if err != nil {
		return invoice.Invoice{}, err
	}
	return invoicing.WithParties(s, acct, draft)
}

// billMemo is a month bill's memo, "Postpaid bill for " and
// t.Format("January 2006"), built in one allocation.
func billMemo(t time.Time) string {
	y := t.Year()
	if y < 0 || y > 9999 {
		return "Postpaid bill for " + t.Format("January 2006")
	}
	name := t.Month().String()
	b := make([]byte, 0, len("Postpaid bill for ")+len(name)+len(" 2006"))
	b = append(b, "Postpaid bill for "...)
	b = append(b, name...)
	b = append(b, ' ', byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	return string(b)
}

// billLine is one bill line as an invoice line. Amount is the line's price
// before its discount rate (configuration: minutes × unit price × quantity
// ÷ 43,200; usage: unit price × quantity), rounded half-up; the discount is
// what the rate took off, so that Amount − Discount is the bill's pre-tax.
func billLine(r *storage.Resource, service string, d *storage.ResourceDetail, bl postpaid.Line) (invoice.Line, error) {
	productID := r.ProductID
	var gross money.Amount
	switch {
	case bl.DiscountRate.IsZero():
		gross = bl.PreTax // no rate took anything off: the same product, rounded the same way
	case bl.Kind == postpaid.LineConfiguration:
		b, err := pricing.PostpaidCharge(pricing.PostpaidUsage{UnitPrice: bl.UnitPrice, Quantity: bl.Quantity, Minutes: bl.Minutes})
		if err != nil {
			return invoice.Line{}, err
		}
		gross = b.PreTax
	default:
		gross = bl.UnitPrice.Mul(bl.Quantity).Round(money.HalfUp)
	}
	discount, err := gross.Sub(bl.PreTax)
	if err != nil {
		return invoice.Line{}, err
	}
	desc := productID + " " + bl.Item
	if bl.Kind == postpaid.LineUsage {
		desc = productID + " usage: " + bl.Item + " (" + bl.Unit + ")"
	} else if d.Configuration.Plan != "" && bl.Item == "" {
		desc = productID + " " + d.Configuration.Plan
	}
	l := invoice.Line{Description: core.ClipText(desc, 200), Period: bl.Period, Quantity: bl.Quantity, UnitPrice: bl.UnitPrice,
		Amount: gross, Discount: discount, Net: bl.PreTax, TaxRate: bl.TaxRate, Tax: bl.Tax, Total: bl.Total,
		Details: clipDetails(bl.Breakdown), Explain: clipExplain(bl.Explain), ResourceID: r.ID, ResourceName: d.Name, Product: core.ClipText(productID, 200), Service: core.ClipText(service, 200),
		Item: core.ClipText(bl.Item, 200), Unit: core.ClipText(bl.Unit, 200), DiscountRate: bl.DiscountRate}
	if l.Item == "" && bl.Kind == postpaid.LineConfiguration {
		l.Item = core.ClipText(d.Configuration.Plan, 200)
	}
	if bl.Coupon.IsPositive() {
		l.Coupon = bl.Coupon
		for _, c := range bl.Coupons {
			l.CouponCodes = append(l.CouponCodes, c.Code)
		}
	}
	return l, nil
}

// clipExplain keeps at most invoice.MaxDetails explanations. It does not
// copy them: the line goes to invoice.New, which copies its lines.
func clipExplain(explain []invoice.Detail) []invoice.Detail {
	return explain[:min(len(explain), invoice.MaxDetails)]
}

// clipDetails keeps at most invoice.MaxDetails explanations, uncopied as
// clipExplain does.
func clipDetails(details []string) []string {
	return details[:min(len(details), invoice.MaxDetails)]
}

// PostpaidInterval is the configuration interval a postpaid resource of
// product productID starts at from: its price per 30 days as one unit, the
// catalog's postpaid discount of its configuration (the plan's, else the
// product's: fixed when the configuration takes effect, as its price is),
// the tax rate of the product's category in the catalog of the price's
// currency (the account's treatment is applied when a month is billed:
// WithAccountTax).
func PostpaidInterval(s *core.Env, productID string, d *storage.ResourceDetail, from time.Time) (postpaid.Interval, error) {
	cur := d.PricePer30Days.Currency().Code()
	tax, err := s.PriceTax(cur, productID)
	if err != nil {
		return postpaid.Interval{}, err
	}
	rate := usage.DiscountRate(s, storage.Account{Currency: cur}, productID, d.Configuration)
	price, err := usage.PreTaxUnitPrice(d.PricePer30Days, tax)
	return postpaid.Interval{From: from, Item: invoicing.DescribeConfiguration(d.Configuration), UnitPrice: price,
		Quantity: decimal.NewFromInt(1), DiscountRate: rate, TaxRate: tax.Rate}, err
}

// ErrNotPostpaid is returned by the month-close entry points for a resource
// that is billed in advance.
func ErrNotPostpaid(id string) error {
	return fmt.Errorf("%w: resource %q is prepaid; only postpaid resources have month bills", billingtype.ErrInvalidRequest, id)
}

// eInvoiceBill is what a bill calls for when e-invoices are issued: its
// own, or, grouped, the account-month's, issued by a job at the next daily
// run, when the close of every resource of the account is done.
func eInvoiceBill(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, cal period.Calendar, inv invoice.Invoice, now time.Time) error {
	if !invoicing.GroupsBills(s) {
		return invoicing.EInvoiceIssued(ctx, s, tx, inv, "")
	}
	_, err := tx.Jobs().Ensure(ctx, eInvoiceMonthJob(s, acct, cal, inv, now))
	return err
}

// eInvoiceMonthJob is the job that e-invoices the month of bill inv.
func eInvoiceMonthJob(s *core.Env, acct storage.Account, cal period.Calendar, inv invoice.Invoice, now time.Time) storage.Job {
	month := cal.MonthSpan(inv.Lines[0].Period.Start)
	return storage.Job{AccountID: acct.ID, Kind: core.JobEInvoiceMonth, Key: invoicing.MonthKey(month),
		DueAt: NextDaily(s, AccountCalendar(s, acct), now), CreatedAt: now, UpdatedAt: now}
}
