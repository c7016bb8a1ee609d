package ordering

import (
	"context"
	"fmt"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/ledger"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/internal/pay"
	"github.com/cloudbill/cloudbill/billing/internal/resource"
	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/payment"
	"github.com/cloudbill/cloudbill/storage"
)

// AutoRenew makes one automatic-renewal attempt inside the resource's
// transaction: from credit when it covers the renewal (renewed at once),
// else — when the host allows it — by an order on the default linked
// account whose payment the caller submits after commit; otherwise the
// attempt failed and the customer is told. The attempt is recorded either
// way, so it is made once.
func AutoRenew(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, r *storage.Resource, d *storage.ResourceDetail, w lifecycle.Work) (renewed bool, paymentID string, err error) {
	v, err := resource.ViewOf(*r, *d).Record(w)
	if err != nil {
		return false, "", err
	}
	d.NextAttempt = v.NextAttempt
	term := d.AutoRenewTerm
	if term == (period.Term{}) {
		term = period.Months(1)
	}
	ren, err := lifecycle.RenewFromAnchor(s.Rules(acct, r.ProductID).Calendar(), d.Anchor, r.PeriodEnd, s.Now(), term)
	if err != nil {
		return false, "", outbox.Notify(ctx, s, tx, acct, r, billingtype.NoticeAutoRenewFailed, w.Key, err.Error())
	}
	cat, err := s.CatalogFor(acct.Currency)
	if err != nil {
		return false, "", err
	}
	q, err := cat.Quote(pricing.QuoteRequest{Items: []pricing.QuoteItem{{ProductID: r.ProductID, Configuration: d.Configuration, Quantity: 1, Term: term}},
		TaxTreatment: acct.TaxTreatment})
	if err != nil {
		return false, "", err
	}
	ws, err := ledger.LoadWallet(ctx, tx, acct)
	if err != nil {
		return false, "", err
	}
	spec := OrderSpec{Kind: order.KindRenew, Actor: billingtype.ActorAutoRenew, Targets: []order.Target{{ResourceID: r.ID, Start: ren.Span.Start, End: ren.Span.End, Anchor: ren.Anchor}}}
	enough, err := ws.Wallet.Available(s.Now()).Cmp(q.Total)
	if err != nil {
		return false, "", err
	}
	linked := false
	if enough < 0 && s.Cfg.AutoRenewWithLinkedAccount {
		if linked, err = pay.HasDefaultLinked(ctx, s, tx, acct.ID); err != nil {
			return false, "", err
		}
	}
	switch {
	case enough >= 0:
		spec.Method = payment.MethodCredit
	case linked:
		spec.Method = payment.MethodLinkedAccount
	default:
		return false, "", outbox.Notify(ctx, s, tx, acct, r, billingtype.NoticeAutoRenewFailed, w.Key,
			fmt.Sprintf("available credit %s is less than the renewal's %s", ws.Wallet.Available(s.Now()), q.Total))
	}
	// The order's settlement updates the stored resource; save ours first
	// and read it back after, so neither overwrites the other.
	if err := resource.SaveResource(ctx, s, tx, r, d, s.Rules(acct, r.ProductID)); err != nil {
		return false, "", err
	}
	placed, err := RecordOrder(ctx, s, tx, acct, spec, q, emptyCoupons())
	if err != nil {
		return false, "", err
	}
	fresh, err := tx.Resources().Get(ctx, acct.ID, r.ID)
	if err != nil {
		return false, "", err
	}
	fd := fresh.ResourceDetail
	*r, *d = fresh, fd
	if spec.Method == payment.MethodCredit {
		return true, "", nil // paid and applied; the order told the customer
	}
	return false, placed.PaymentID, nil
}
