// Command postpaid follows the money of metered and postpaid billing on a
// fake clock, on the in-memory store, with a simulated payment gateway:
//
//  1. a postpaid account "acme" buys a vServer and a vStorage volume
//     without paying, records snapshot and bandwidth usage, resizes the
//     vServer and deletes the volume mid-month; the worker closes April an
//     hour after it ends and issues one unpaid bill per resource, due 15
//     days later;
//  2. part of one bill is paid from credit (partially paid);
//  3. credit added before 09:00 is taken by the daily automatic invoice
//     payment (invoice.collected, oldest bill first, then the smaller);
//  4. May's bill goes unpaid: charge attempts at T, T+7 and T+14, the
//     resources suspended at T+15 and new purchases refused, then the bill
//     paid in full and the resources resumed;
//  5. a prepaid account "beta" whose credit cannot cover the daily hold for
//     its metered usage: five short days, then usage.stop, the usage
//     settled from the hold, and the wallet checked against its history.
//
// Every amount printed comes from the library. The program exits non-zero
// when a step of the story does not happen, so CI catches a regression.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/clock"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/payment/gateway"
	"github.com/cloudbill/cloudbill/payment/gatewaysim"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// The metered items: snapshot storage in GB-hours at 7.7 VND, bandwidth in
// whole GB (rounded down) at 1,000 VND.
const (
	snapshotMetric  = "snapshot.gb_hours"
	bandwidthMetric = "bandwidth.gb"
)

const day = 24 * time.Hour

func main() {
	if _, err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "postpaid:", err)
		os.Exit(1)
	}
}

// facts are what the story saw happen, for the smoke test.
type facts struct {
	BillsIssued    int                       // April's month bills
	PartialStatus  invoice.Status            // the bill paid in part
	Collected      int                       // invoices the automatic payment paid
	OverdueCharges int                       // overdue_charge notices
	Suspended      bool                      // resource.suspend at T+15
	Refused        bool                      // a checkout refused with ErrAccountOverdue
	Resumed        bool                      // resource.resume after paying
	FinalState     lifecycle.State           // acme's vServer after paying
	HoldShort      int                       // hold_short notices
	UsageStop      *billing.UsageStopPayload // the usage.stop event's payload
	WalletBalanced bool                      // beta's wallet agrees with its history
}

type story struct {
	out  io.Writer
	sys  *billing.System
	clk  *clock.Manual
	sim  *gatewaysim.Gateway
	loc  *time.Location
	keys int
	f    facts
	// events are the events delivered since the last take.
	events []billing.Event
	// server and volume are acme's vServer and vStorage.
	server, volume string
}

func run(ctx context.Context, out io.Writer) (facts, error) {
	loc, err := time.LoadLocation(period.DefaultTimeZone)
	if err != nil {
		return facts{}, err
	}
	s := &story{out: out, loc: loc, clk: clock.NewManual(time.Date(2026, 4, 1, 9, 0, 0, 0, loc))}
	if s.sim, err = gatewaysim.New(gatewaysim.Config{Name: "sim", Secret: []byte("whsec_postpaid"), Now: s.clk.Now}); err != nil {
		return facts{}, err
	}
	catalog, err := pricing.SampleCatalog()
	if err != nil {
		return facts{}, err
	}
	items, err := meteredItems()
	if err != nil {
		return facts{}, err
	}
	s.sys, err = billing.New(billing.Config{Store: memory.New(), Catalog: catalog, Clock: s.clk,
		Gateways: []gateway.Gateway{s.sim}, EventHandler: s.handle, Metering: items,
		// Seeded ids, so that every run prints the same story.
		Random: rand.NewChaCha8([32]byte{'p', 'o', 's', 't', 'p', 'a', 'i', 'd'})})
	if err != nil {
		return facts{}, err
	}
	for _, step := range []func(context.Context) error{s.monthOne, s.partialPayment, s.autoPayment, s.overdue, s.creditHold} {
		if err := step(ctx); err != nil {
			return s.f, err
		}
	}
	return s.f, nil
}

func meteredItems() ([]metering.Item, error) {
	perGBHour, err := money.New("7.7", "VND")
	if err != nil {
		return nil, err
	}
	perGB, err := money.New("1000", "VND")
	if err != nil {
		return nil, err
	}
	return []metering.Item{
		{Metric: snapshotMetric, Unit: "GB-hour", Aggregation: metering.AggSum, UnitPrice: perGBHour},
		{Metric: bandwidthMetric, Unit: "GB", Aggregation: metering.AggSum, UnitPrice: perGB, Rounding: metering.QuantityFloor},
	}, nil
}

// ---- helpers -------------------------------------------------------------

func (s *story) key() string { s.keys++; return fmt.Sprintf("k%d", s.keys) }

func (s *story) say(format string, args ...any) {
	fmt.Fprintf(s.out, "%s  %s\n", s.clk.Now().In(s.loc).Format("2006-01-02 15:04"), fmt.Sprintf(format, args...))
}

func (s *story) head(title string) { fmt.Fprintf(s.out, "\n== %s\n", title) }

// local is t on the account's wall clock.
func (s *story) local(t time.Time) string { return t.In(s.loc).Format("2006-01-02 15:04") }

// at moves the clock to local wall time and runs the worker (which delivers
// the outbox to handle).
func (s *story) at(ctx context.Context, t time.Time) (billing.TickReport, error) {
	s.clk.Set(t)
	rep, err := s.sys.Tick(ctx, 1000)
	if err == nil && len(rep.Failures) > 0 {
		err = fmt.Errorf("tick at %s: %d failures, first: %s", s.local(t), len(rep.Failures), rep.Failures[0].Reason)
	}
	return rep, err
}

// deliver hands the outbox to handle outside a tick.
func (s *story) deliver(ctx context.Context) error {
	_, err := s.sys.DeliverEvents(ctx, 1000)
	return err
}

func vnd(n int64) money.Amount {
	a, err := money.FromMinor(n, "VND")
	if err != nil {
		panic(err) // VND is a known currency
	}
	return a
}

// handle is the host's event handler: it provisions what was bought and
// prints what the host is asked to do or tell the customer.
func (s *story) handle(ctx context.Context, e billing.Event) error {
	s.events = append(s.events, e)
	p, err := e.Decode()
	if err != nil {
		return err
	}
	switch p := p.(type) {
	case billing.ProvisionPayload:
		_, err := s.sys.ProvisioningSucceeded(ctx, "prov-"+e.ID, billing.ProvisioningRequest{AccountID: e.AccountID, ResourceID: e.Stream})
		s.say("    host: provisioned %s", e.Stream)
		return err
	case billing.NoticePayload:
		s.say("    notice to %s: %s — %s", e.AccountID, p.Notice, p.Detail)
	case billing.InvoicePayload:
		due := ""
		if !p.DueAt.IsZero() {
			due = ", due " + s.local(p.DueAt)
		}
		s.say("    invoice.issued %s for %s: %s, %s%s", p.Number, p.ResourceID, p.Total, p.Status, due)
	case billing.StatePayload:
		s.say("    host: %s %s (%s → %s)", e.Kind, p.ResourceID, p.From, p.To)
	case billing.CollectionPayload:
		s.say("    invoice.collected for %s: %s available", e.AccountID, p.Available)
		for i, c := range p.Paid {
			s.say("      %d. %s: %s (paid in full: %v)", i+1, c.InvoiceID, c.Amount, c.Full)
		}
		s.say("      still owed: %s", p.Outstanding)
	case billing.UsageStopPayload:
		s.say("    host: usage.stop %s after %d short days (short %s)", strings.Join(p.ResourceIDs, ", "), p.ShortDays, p.Shortage)
	case billing.PaymentPayload, billing.PaymentCreditedPayload, billing.ResizePayload:
		// Visible in the steps that cause them.
	default:
		s.say("    host: %s %s", e.Kind, e.Stream)
	}
	return nil
}

// take returns the events delivered since the last take.
func (s *story) take() []billing.Event {
	ev := s.events
	s.events = nil
	return ev
}

// topUp adds cash credit through the sim gateway and its signed callback.
func (s *story) topUp(ctx context.Context, acct string, amount money.Amount) error {
	p, err := s.sys.TopUp(ctx, s.key(), billing.TopUpRequest{AccountID: acct, Amount: amount, Gateway: "sim"})
	if err != nil {
		return err
	}
	cb, err := s.sim.Complete(p.ID)
	if err != nil {
		return err
	}
	if _, err := s.sys.HandleCallback(ctx, "sim", cb.Header, cb.Body); err != nil {
		return err
	}
	w, err := s.sys.Wallet(ctx, acct)
	if err != nil {
		return err
	}
	s.say("%s topped up %s through sim → available %s", acct, amount, w.Available)
	return s.deliver(ctx)
}

// payInvoice pays amount of an invoice from credit.
func (s *story) payInvoice(ctx context.Context, acct, invoiceID string, amount money.Amount) (invoice.Invoice, error) {
	p, err := s.sys.Pay(ctx, s.key(), billing.PayRequest{AccountID: acct, Amount: amount, Method: payment.MethodCredit,
		Purpose: payment.Purpose{Kind: payment.PurposeInvoice, Ref: invoiceID}})
	if err != nil {
		return invoice.Invoice{}, err
	}
	if p.Status != payment.StatusSucceeded {
		return invoice.Invoice{}, fmt.Errorf("payment %s of invoice %s is %s, want succeeded", p.ID, invoiceID, p.Status)
	}
	if err := s.deliver(ctx); err != nil {
		return invoice.Invoice{}, err
	}
	return s.sys.Invoice(ctx, acct, invoiceID)
}

func (s *story) checkout(ctx context.Context, acct string, items ...billing.OrderItem) (billing.CheckoutResult, error) {
	return s.sys.Checkout(ctx, s.key(), billing.CheckoutRequest{AccountID: acct, Items: items, Method: payment.MethodCredit})
}

func (s *story) usage(ctx context.Context, events ...metering.Event) (billing.UsageResult, error) {
	res, err := s.sys.RecordUsage(ctx, billing.RecordUsageRequest{Events: events})
	if err != nil {
		return res, err
	}
	return res, s.deliver(ctx)
}

func (s *story) event(acct, resource, id, metric string, qty string, at time.Time) metering.Event {
	return metering.Event{ID: id, AccountID: acct, ResourceID: resource, Metric: metric, Quantity: decimal.RequireFromString(qty), At: at}
}

// bills returns the account's invoices issued in [from, to), oldest first.
func (s *story) bills(ctx context.Context, acct string, from, to time.Time) ([]invoice.Invoice, error) {
	all, err := s.sys.Invoices(ctx, billing.ListRequest{AccountID: acct, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []invoice.Invoice
	for i := len(all.Items) - 1; i >= 0; i-- { // the portal lists newest first
		if inv := all.Items[i]; inv.Kind == invoice.KindInvoice && !inv.IssuedAt.Before(from) && inv.IssuedAt.Before(to) {
			out = append(out, inv)
		}
	}
	return out, nil
}

// printBill prints a bill line by line so the reader can redo the sums.
func (s *story) printBill(inv invoice.Invoice) {
	s.say("  %s  %s  resource %s  %s, due %s", inv.DisplayNumber(), inv.Memo, inv.ResourceID, inv.Status, s.local(inv.DueAt))
	for _, l := range inv.Lines {
		s.say("    %s", l.Description)
		span := "—"
		if !l.Period.Start.IsZero() {
			span = fmt.Sprintf("%s → %s, %d min", s.local(l.Period.Start), s.local(l.Period.End), l.Period.Minutes())
		}
		coupon := ""
		if l.Coupon.IsPositive() {
			coupon = fmt.Sprintf(" − coupon %s %v", l.Coupon, l.CouponCodes)
		}
		s.say("      %s; %s × %s: pre-tax %s + tax %s%s = %s", span, l.Quantity, l.UnitPrice, l.Net, l.Tax, coupon, l.Total)
		for _, d := range l.Details {
			s.say("        %s", d)
		}
	}
	s.say("    net %s + tax %s − coupons %s = total %s; paid %s, outstanding %s",
		inv.Net, inv.Tax, inv.Coupons(), inv.Total, inv.AmountPaid, inv.AmountDue())
}

func (s *story) printWallet(ctx context.Context, acct string) (billing.Wallet, error) {
	w, err := s.sys.Wallet(ctx, acct)
	if err == nil {
		s.say("  wallet of %s: available %s, held %s", acct, w.Available, w.Held)
	}
	return w, err
}

// ---- the story -----------------------------------------------------------

// The configurations bought.
var (
	small  = pricing.Configuration{Components: map[string]int64{"vcpu": 2, "ram_gb": 4, "ssd_gb": 40}} // 181,000 per 30 days
	medium = pricing.Configuration{Components: map[string]int64{"vcpu": 4, "ram_gb": 8, "ssd_gb": 80}}
	volume = pricing.Configuration{Components: map[string]int64{"ssd_gb": 100}}
)

func (s *story) monthOne(ctx context.Context) error {
	s.head("1. A postpaid account's first month")
	sys := s.sys
	if _, err := sys.CreateAccount(ctx, s.key(), billing.CreateAccountRequest{ID: "acme"}); err != nil {
		return err
	}
	a, err := sys.SetAccountType(ctx, s.key(), billing.SetAccountTypeRequest{AccountID: "acme", Type: billing.Postpaid,
		Actor: "ops:alice", Reason: "signed a postpaid contract"})
	if err != nil {
		return err
	}
	s.say("account %s is %s, calendar in %s", a.ID, a.Type, a.TimeZone)

	s.clk.Set(time.Date(2026, 4, 3, 10, 0, 0, 0, s.loc))
	res, err := s.checkout(ctx, "acme",
		billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)},
		billing.OrderItem{ProductID: pricing.SampleVStorage, Configuration: volume, Quantity: 1, Term: period.Months(1)})
	if err != nil {
		return err
	}
	if len(res.Resources) != 2 {
		return fmt.Errorf("checkout made %d resources, want 2", len(res.Resources))
	}
	s.server, s.volume = res.Resources[0].ID, res.Resources[1].ID
	s.say("bought without paying (order %s: %s, %s due now, an estimate of %s for the terms): vServer %s at %s and vStorage %s at %s per 30 days",
		res.Order.ID, res.Order.Status, res.Order.Total, res.Order.Quote.Total, s.server, res.Resources[0].PricePer30Days, s.volume, res.Resources[1].PricePer30Days)
	s.clk.Advance(2 * time.Minute)
	if err := s.deliver(ctx); err != nil {
		return err
	}
	for _, id := range []string{s.server, s.volume} {
		r, err := sys.Resource(ctx, "acme", id)
		if err != nil {
			return err
		}
		if r.State != lifecycle.StateActive {
			return fmt.Errorf("resource %s is %s after provisioning, want active", id, r.State)
		}
	}

	// Usage: a 20 GB snapshot kept from 4 to 14 April (one report a day of
	// 480 GB-hours), 5.56 GB of bandwidth.
	s.clk.Set(time.Date(2026, 4, 14, 12, 0, 0, 0, s.loc))
	var evs []metering.Event
	for d := 4; d < 14; d++ {
		evs = append(evs, s.event("acme", s.server, fmt.Sprintf("snap-04-%02d", d), snapshotMetric, "480", time.Date(2026, 4, d, 23, 0, 0, 0, s.loc)))
	}
	evs = append(evs, s.event("acme", s.server, "bw-04", bandwidthMetric, "5.56", time.Date(2026, 4, 14, 11, 0, 0, 0, s.loc)))
	ur, err := s.usage(ctx, evs...)
	if err != nil {
		return err
	}
	if ur.Recorded != len(evs) {
		return fmt.Errorf("recorded %d usage events of %d: %+v", ur.Recorded, len(evs), ur.Rejected)
	}
	so, err := sys.UsageSoFar(ctx, billing.UsageRequest{AccountID: "acme", ResourceID: s.server, From: time.Date(2026, 4, 1, 0, 0, 0, 0, s.loc), To: s.clk.Now()})
	if err != nil {
		return err
	}
	s.say("recorded %d usage events; usage so far:", ur.Recorded)
	for _, c := range so {
		s.say("  %s: used %s %s, billed %s × %s = %s", c.Metric, c.Used, c.Unit, c.Quantity, c.UnitPrice, c.Amount)
	}

	s.clk.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, s.loc))
	rz, err := sys.Resize(ctx, s.key(), billing.ResizeRequest{AccountID: "acme", ResourceID: s.server, Configuration: medium,
		PaySpec: billing.PaySpec{Method: payment.MethodCredit}})
	if err != nil {
		return err
	}
	s.say("resized %s to 4 vCPU / 8 GB / 80 GB: now %s per 30 days; charged now %s, refunded %s (billed at month close)",
		s.server, rz.Resource.PricePer30Days, rz.Charged, rz.Refunded)
	if err := s.deliver(ctx); err != nil {
		return err
	}
	s.clk.Set(time.Date(2026, 4, 20, 12, 0, 0, 0, s.loc))
	del, err := sys.Delete(ctx, s.key(), billing.DeleteRequest{AccountID: "acme", ResourceID: s.volume, Reason: "no longer needed"})
	if err != nil {
		return err
	}
	s.say("deleted %s: %s, refunded %s (nothing was paid in advance)", s.volume, del.Resource.State, del.Refunded)
	if err := s.deliver(ctx); err != nil {
		return err
	}

	// Late usage is accepted until the close, an hour after the month ends.
	s.clk.Set(time.Date(2026, 5, 1, 0, 30, 0, 0, s.loc))
	late, err := s.usage(ctx, s.event("acme", s.server, "snap-04-30", snapshotMetric, "240", time.Date(2026, 4, 30, 23, 0, 0, 0, s.loc)))
	if err != nil {
		return err
	}
	s.say("late report of 30 April's snapshot, before the close: recorded %d", late.Recorded)

	closeAt := time.Date(2026, 5, 1, 1, 0, 0, 0, s.loc)
	rep, err := s.at(ctx, closeAt)
	if err != nil {
		return err
	}
	s.say("worker: month close issued %d bills", rep.BillsIssued)
	bills, err := s.bills(ctx, "acme", closeAt, closeAt.Add(time.Minute))
	if err != nil {
		return err
	}
	if len(bills) != 2 || rep.BillsIssued != 2 {
		return fmt.Errorf("the close of April issued %d bills (report %d), want one per resource", len(bills), rep.BillsIssued)
	}
	for _, b := range bills {
		if b.Status != invoice.StatusIssued {
			return fmt.Errorf("bill %s is %s, want issued (unpaid)", b.DisplayNumber(), b.Status)
		}
		s.printBill(b)
	}
	s.f.BillsIssued = len(bills)

	s.clk.Advance(time.Minute)
	tooLate, err := s.usage(ctx, s.event("acme", s.server, "snap-04-30b", snapshotMetric, "10", time.Date(2026, 4, 30, 23, 30, 0, 0, s.loc)))
	if err != nil {
		return err
	}
	if len(tooLate.Rejected) != 1 || tooLate.Rejected[0].Reason != billing.ReasonPeriodClosed {
		return fmt.Errorf("usage of April sent after the close: %+v, want refused as %s", tooLate, billing.ReasonPeriodClosed)
	}
	s.say("April usage sent after the close is refused: %s", tooLate.Rejected[0].Reason)
	return nil
}

func (s *story) partialPayment(ctx context.Context) error {
	s.head("2. Paying part of a bill")
	s.clk.Set(time.Date(2026, 5, 1, 8, 0, 0, 0, s.loc))
	bill, err := s.sys.Invoice(ctx, "acme", s.billOf(ctx, s.server))
	if err != nil {
		return err
	}
	part, err := bill.AmountDue().DivInt(2, 0, money.HalfUp)
	if err != nil {
		return err
	}
	if err := s.topUp(ctx, "acme", part); err != nil {
		return err
	}
	inv, err := s.payInvoice(ctx, "acme", bill.ID, part)
	if err != nil {
		return err
	}
	s.say("paid %s of %s from credit: %s, paid %s, outstanding %s", part, inv.DisplayNumber(), inv.Status, inv.AmountPaid, inv.AmountDue())
	if inv.Status != invoice.StatusPartiallyPaid {
		return fmt.Errorf("bill %s is %s after a partial payment, want %s", inv.DisplayNumber(), inv.Status, invoice.StatusPartiallyPaid)
	}
	s.f.PartialStatus = inv.Status
	return nil
}

// billOf returns the id of the newest bill of a resource ("" for none).
func (s *story) billOf(ctx context.Context, resourceID string) string {
	invs, err := s.sys.Invoices(ctx, billing.ListRequest{AccountID: "acme", ResourceID: resourceID, Limit: 1})
	if err != nil || len(invs.Items) == 0 {
		return ""
	}
	return invs.Items[0].ID
}

func (s *story) autoPayment(ctx context.Context) error {
	s.head("3. Automatic payment at 09:00")
	open, err := s.bills(ctx, "acme", time.Time{}, s.clk.Now())
	if err != nil {
		return err
	}
	owed, err := money.Zero("VND")
	if err != nil {
		return err
	}
	for _, b := range open {
		if owed, err = owed.Add(b.AmountDue()); err != nil {
			return err
		}
	}
	if err := s.topUp(ctx, "acme", owed); err != nil {
		return err
	}
	s.take()
	rep, err := s.at(ctx, time.Date(2026, 5, 1, 9, 0, 0, 0, s.loc))
	if err != nil {
		return err
	}
	var got *billing.CollectionPayload
	for _, e := range s.take() {
		if e.Kind == billing.EventCollection {
			p, err := e.Decode()
			if err != nil {
				return err
			}
			c := p.(billing.CollectionPayload)
			got = &c
		}
	}
	if got == nil || rep.InvoicesCollected != len(open) {
		return fmt.Errorf("the 09:00 run collected %d invoices (event: %v), want %d", rep.InvoicesCollected, got != nil, len(open))
	}
	for _, b := range open {
		inv, err := s.sys.Invoice(ctx, "acme", b.ID)
		if err != nil {
			return err
		}
		s.say("  %s: %s", inv.DisplayNumber(), inv.Status)
		if inv.Status != invoice.StatusPaid {
			return fmt.Errorf("bill %s is %s after the automatic payment, want paid", inv.DisplayNumber(), inv.Status)
		}
	}
	s.f.Collected = len(got.Paid)
	_, err = s.printWallet(ctx, "acme")
	return err
}

func (s *story) overdue(ctx context.Context) error {
	s.head("4. May's bill unpaid: the overdue schedule")
	// Some bandwidth in May, then the close.
	s.clk.Set(time.Date(2026, 5, 20, 12, 0, 0, 0, s.loc))
	if _, err := s.usage(ctx, s.event("acme", s.server, "bw-05", bandwidthMetric, "12.9", s.clk.Now().Add(-time.Hour))); err != nil {
		return err
	}
	closeAt := time.Date(2026, 6, 1, 1, 0, 0, 0, s.loc)
	if _, err := s.at(ctx, closeAt); err != nil {
		return err
	}
	bills, err := s.bills(ctx, "acme", closeAt, closeAt.Add(time.Minute))
	if err != nil {
		return err
	}
	if len(bills) != 1 {
		return fmt.Errorf("the close of May issued %d bills, want 1 (the vServer's)", len(bills))
	}
	may := bills[0]
	s.printBill(may)
	T := may.DueAt
	s.say("no credit; the worker runs every day at 09:00 from now on")

	suspendedAt := time.Time{}
	for d := time.Date(2026, 6, 1, 9, 0, 0, 0, s.loc); suspendedAt.IsZero() && d.Before(T.Add(20*day)); d = d.AddDate(0, 0, 1) {
		rep, err := s.at(ctx, d)
		if err != nil {
			return err
		}
		for _, e := range s.take() {
			switch e.Kind {
			case billing.EventNotice:
				n, err := e.Notice()
				if err != nil {
					return err
				}
				if n.Notice == billing.NoticeOverdueCharge {
					s.f.OverdueCharges++
					s.say("  ↑ charge attempt %d, %d days after the due date %s", s.f.OverdueCharges, daysBetween(T, d, s.loc), s.local(T))
				}
			case billing.EventSuspend:
				if e.Stream == s.server {
					suspendedAt = d
				}
			}
		}
		_ = rep
	}
	if s.f.OverdueCharges != 3 {
		return fmt.Errorf("%d overdue charge attempts, want 3 (T, T+7, T+14)", s.f.OverdueCharges)
	}
	if suspendedAt.IsZero() {
		return fmt.Errorf("no resource.suspend for %s by T+20", s.server)
	}
	s.f.Suspended = true
	r, err := s.sys.Resource(ctx, "acme", s.server)
	if err != nil {
		return err
	}
	s.say("%s suspended %d days after the due date: state %s", s.server, daysBetween(T, suspendedAt, s.loc), r.State)

	_, err = s.checkout(ctx, "acme", billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)})
	if !errors.Is(err, lifecycle.ErrAccountOverdue) {
		return fmt.Errorf("a new checkout while overdue returned %v, want lifecycle.ErrAccountOverdue", err)
	}
	s.f.Refused = true
	s.say("a new checkout is refused: %v", err)

	s.clk.Advance(2 * time.Hour)
	due, err := s.sys.Invoice(ctx, "acme", may.ID)
	if err != nil {
		return err
	}
	if err := s.topUp(ctx, "acme", due.AmountDue()); err != nil {
		return err
	}
	s.take()
	inv, err := s.payInvoice(ctx, "acme", may.ID, due.AmountDue())
	if err != nil {
		return err
	}
	s.say("paid %s in full: %s", inv.DisplayNumber(), inv.Status)
	for _, e := range s.take() {
		if e.Kind == billing.EventResume && e.Stream == s.server {
			s.f.Resumed = true
		}
	}
	if r, err = s.sys.Resource(ctx, "acme", s.server); err != nil {
		return err
	}
	s.f.FinalState = r.State
	s.say("%s is %s again", r.ID, r.State)
	if !s.f.Resumed || r.State != lifecycle.StateActive {
		return fmt.Errorf("after paying, resume event %v and state %s, want a resource.resume and active", s.f.Resumed, r.State)
	}
	_, err = s.printWallet(ctx, "acme")
	return err
}

// daysBetween counts the calendar days from a to b in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	ay, am, ad := a.In(loc).Date()
	by, bm, bd := b.In(loc).Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / day)
}

func (s *story) creditHold(ctx context.Context) error {
	s.head("5. A prepaid account's credit hold for metered usage")
	sys := s.sys
	start := time.Date(2026, 7, 2, 10, 0, 0, 0, s.loc)
	s.clk.Set(start)
	if _, err := sys.CreateAccount(ctx, s.key(), billing.CreateAccountRequest{ID: "beta"}); err != nil {
		return err
	}
	if err := s.topUp(ctx, "beta", vnd(220_000)); err != nil {
		return err
	}
	res, err := s.checkout(ctx, "beta", billing.OrderItem{ProductID: pricing.SampleVServer, Configuration: small, Quantity: 1, Term: period.Months(1)})
	if err != nil {
		return err
	}
	s.say("beta bought a vServer for a month by credit: %s (%s)", res.Order.Total, res.Payment.Status)
	server := res.Resources[0].ID
	s.clk.Advance(2 * time.Minute)
	if err := s.deliver(ctx); err != nil {
		return err
	}
	if _, err := s.printWallet(ctx, "beta"); err != nil {
		return err
	}

	// A 50 GB snapshot: 1,200 GB-hours a day, reported every morning.
	s.take()
	stopped := false
	for d := 0; d < 10 && !stopped; d++ {
		morning := time.Date(2026, 7, 3+d, 8, 0, 0, 0, s.loc)
		s.clk.Set(morning)
		if _, err := s.usage(ctx, s.event("beta", server, fmt.Sprintf("snap-07-%02d", 2+d), snapshotMetric, "1200", morning.Add(-time.Hour))); err != nil {
			return err
		}
		if _, err := s.at(ctx, morning.Add(time.Hour)); err != nil {
			return err
		}
		for _, e := range s.take() {
			switch e.Kind {
			case billing.EventNotice:
				if n, err := e.Notice(); err != nil {
					return err
				} else if n.Notice == billing.NoticeHoldShort {
					s.f.HoldShort++
				}
			case billing.EventUsageStop:
				p, err := e.Decode()
				if err != nil {
					return err
				}
				stop := p.(billing.UsageStopPayload)
				s.f.UsageStop = &stop
				stopped = true
			}
		}
		if _, err := s.printWallet(ctx, "beta"); err != nil {
			return err
		}
	}
	if !stopped {
		return fmt.Errorf("no usage.stop for beta after 10 days of short holds (%d hold_short notices)", s.f.HoldShort)
	}
	if s.f.UsageStop.ShortDays != 5 || s.f.HoldShort < 5 {
		return fmt.Errorf("usage.stop after %d short days with %d hold_short notices, want 5", s.f.UsageStop.ShortDays, s.f.HoldShort)
	}
	usageBills, err := s.bills(ctx, "beta", start.Add(time.Hour), s.clk.Now().Add(time.Minute))
	if err != nil {
		return err
	}
	s.say("the usage so far was settled from the hold:")
	for _, b := range usageBills {
		s.printBill(b)
	}
	return s.checkWallet(ctx, "beta")
}

// checkWallet checks the wallet against its history: the changes add up to
// each entry's balance and to what is available now, and the credit held
// is what the holds took less what their releases gave back.
func (s *story) checkWallet(ctx context.Context, acct string) error {
	w, err := s.printWallet(ctx, acct)
	if err != nil {
		return err
	}
	hist, err := s.sys.WalletHistory(ctx, billing.ListRequest{AccountID: acct, Limit: 1000})
	if err != nil {
		return err
	}
	sum, held := vnd(0), vnd(0)
	var k money.Calc
	for _, h := range hist.Items {
		sum = k.Add(sum, h.Change)
		if !sum.Equal(h.CreditAfter) {
			return fmt.Errorf("wallet history of %s: after %s %s the changes add to %s, the entry says %s", acct, h.Kind, h.ID, sum, h.CreditAfter)
		}
		if h.Kind == "hold" || h.Kind == "release" {
			held = k.Sub(held, h.Change)
		}
	}
	if k.Err() != nil {
		return k.Err()
	}
	s.say("  history: %d entries add up to %s; holds less releases %s", len(hist.Items), sum, held)
	if !sum.Equal(w.Available) || !held.Equal(w.Held) {
		return fmt.Errorf("wallet of %s: available %s held %s, history says %s and %s", acct, w.Available, w.Held, sum, held)
	}
	s.f.WalletBalanced = true
	s.say("  the ledger balances: available and held agree with the history")
	return nil
}
