package postpaid

import (
	"context"
	"encoding/json"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/storage"
)

// discountChange is the audit detail of a discount-rate change.
type discountChange struct {
	From   decimal.Decimal `json:"from"`
	To     decimal.Decimal `json:"to"`
	Reason string          `json:"reason,omitempty"`
}

// AuditDiscountChanged is the audit action of SetDiscountRate.
const AuditDiscountChanged = "account.discount_rate_changed"

// SetDiscountRate sets the account's contract discount inside tx (the
// caller checked the request's ids and text and claimed its key): the
// account is locked, the rate checked (a *billingtype.RequestError naming
// Rate, nothing changed) and, when it differs from the stored one, stored
// with one audit record. Setting the rate it has changes nothing and
// writes no record. Month close and every estimate built on it
// (monthclose.MonthBill: previews, the credit check) use the new rate from
// the next unclosed month on.
func SetDiscountRate(ctx context.Context, s *core.Env, tx storage.Tx, req billingtype.SetDiscountRateRequest) (storage.Account, error) {
	if req.Actor == "" {
		return storage.Account{}, &billingtype.RequestError{Field: "Actor", Reason: "is required for the audit trail"}
	}
	if err := storage.CheckDiscountRate(req.Rate); err != nil {
		return storage.Account{}, &billingtype.RequestError{Field: "Rate", Reason: err.Error()}
	}
	a, err := core.GetAccount(ctx, tx, req.AccountID, true)
	if err != nil {
		return storage.Account{}, err
	}
	if a.DiscountRate.Equal(req.Rate) {
		return a, nil
	}
	detail, err := json.Marshal(discountChange{From: a.DiscountRate, To: req.Rate, Reason: req.Reason})
	if err != nil {
		return storage.Account{}, err
	}
	now := s.Now()
	a.DiscountRate, a.UpdatedAt = req.Rate, now
	if req.Rate.IsZero() {
		a.DiscountRate = decimal.Decimal{}
	}
	if a, err = tx.Accounts().Update(ctx, a); err != nil {
		return storage.Account{}, err
	}
	_, err = tx.Audit().Append(ctx, storage.AuditRecord{AccountID: a.ID, Actor: req.Actor, Action: AuditDiscountChanged, Detail: detail, At: now})
	return a, err
}
