package ordering

import (
	"context"
	"time"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/monthclose"
	"github.com/cloudbill/cloudbill/billing/internal/outbox"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// checkPostpaidPurchase refuses a postpaid purchase, inside the purchase's
// transaction, while the account has an unpaid bill past its due time
// (lifecycle.ErrAccountOverdue), or when the purchase — pending, its price
// for 30 days with tax — would take what the account owes past its credit
// limit and the policy blocks (lifecycle.ErrCreditLimitExceeded). Both are
// a *lifecycle.PurchaseRefusedError. A purchase that crosses a limit which
// does not block is allowed and the customer is told (NoticeCreditLimit).
func checkPostpaidPurchase(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, pending money.Amount) error {
	now := s.Now()
	open, err := tx.Invoices().Open(ctx, acct.ID, core.MaxOpenScan)
	if err != nil {
		return err
	}
	var oldestDue time.Time
	unpaid := pending.MulInt(0)
	var k money.Calc
	for _, inv := range open {
		if !inv.DueAt.IsZero() && (oldestDue.IsZero() || inv.DueAt.Before(oldestDue)) {
			oldestDue = inv.DueAt
		}
		unpaid = k.Add(unpaid, inv.AmountDue())
	}
	if k.Err() != nil {
		return k.Err()
	}
	limit := s.AccountCreditLimit(acct)
	check := lifecycle.CreditCheck{Status: lifecycle.CreditWithin}
	if !limit.Limit.Currency().IsZero() {
		unbilled, err := unbilled(ctx, s, tx, acct, now)
		if err != nil {
			return err
		}
		if check, err = lifecycle.CheckCreditLimit(limit, unbilled, unpaid, pending); err != nil {
			return err
		}
	}
	if err := lifecycle.CheckPurchase(oldestDue, now, check); err != nil {
		return err
	}
	if check.Status != lifecycle.CreditWithin {
		return outbox.Emit(ctx, s, tx, acct.ID, acct.ID, billingtype.EventNotice, "", outbox.Zoned(s, acct, billingtype.NoticePayload{Notice: billingtype.NoticeCreditLimit,
			Detail: "owed with this purchase: " + check.Used.String() + " of a limit of " + limit.Limit.String()}))
	}
	return nil
}

// unbilled is what the account's postpaid resources have run up this
// month and not yet been billed for, at now: each running resource's
// month bill so far (its configuration to now, its usage, less its
// coupons).
func unbilled(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, now time.Time) (money.Amount, error) {
	cur, err := money.Zero(acct.Currency)
	if err != nil {
		return money.Amount{}, err
	}
	total := cur
	var k money.Calc
	after := ""
	for {
		page, err := tx.Resources().List(ctx, acct.ID, after, 1000)
		if err != nil {
			return money.Amount{}, err
		}
		for i := range page {
			r := &page[i]
			d := r.ResourceDetail
			if !d.Postpaid {
				continue
			}
			cal := s.Rules(acct, r.ProductID).Calendar()
			month, ok := monthclose.NextUnclosedMonth(r, &d, cal)
			// Every month not yet closed, the current one to now.
			for ok && now.After(month.Start) {
				bill, billed, err := monthclose.MonthBill(ctx, s, tx, acct, r, &d, month, now)
				if err != nil {
					return money.Amount{}, err
				}
				if billed {
					total = k.Add(total, bill.Total)
				}
				month = cal.MonthSpan(month.End)
			}
		}
		if len(page) < 1000 {
			break
		}
		after = page[len(page)-1].ID
	}
	return total, k.Err()
}
