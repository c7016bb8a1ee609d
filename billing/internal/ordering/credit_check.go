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
	oldestDue := oldestDue(open)
	unpaid := pending.MulInt(0)
	var k money.Calc
	for _, inv := range open {
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

// oldestDue is the earliest due time of the open invoices (the zero time
// when none has one).
func oldestDue(open []storage.Invoice) time.Time {
	var oldest time.Time
	for _, inv := range open {
		if !inv.DueAt.IsZero() && (oldest.IsZero() || inv.DueAt.Before(oldest)) {
			oldest = inv.DueAt
		}
	}
	return oldest
}

// RefuseWhileOverdue refuses, inside the operation's transaction, what
// would add charges to a postpaid account while one of its unpaid bills
// is past its due time: the *lifecycle.PurchaseRefusedError of a checkout
// (lifecycle.ErrAccountOverdue, OverdueSince the earliest due time). A
// checkout, an upgrade of a postpaid resource and the term operations
// (renew, recover, match end time) are refused alike; downgrades, deletes
// and payments are not checked. A prepaid account is never refused here:
// its bills have no overdue schedule.
func RefuseWhileOverdue(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account) error {
	if acct.Type != storage.Postpaid {
		return nil
	}
	open, err := tx.Invoices().Open(ctx, acct.ID, core.MaxOpenScan)
	if err != nil {
		return err
	}
	return lifecycle.CheckPurchase(oldestDue(open), s.Now(), lifecycle.CreditCheck{Status: lifecycle.CreditWithin})
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
