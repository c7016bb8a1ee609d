package billing

import (
	"context"
	"encoding/json"

	"github.com/cloudbill/cloudbill/billing/billingtype"
	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/internal/postpaid"
	"github.com/cloudbill/cloudbill/billing/internal/txn"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// SetCreditLimitRequest gives a postpaid account a credit limit of its own,
// or takes it back to the configured one.
type SetCreditLimitRequest struct {
	AccountID string `json:"account_id"`
	// Limit is the account's own limit on what it may owe (unbilled usage
	// plus unpaid bills plus a purchase), in the account's currency and
	// whole minor units, zero or more. The zero Amount removes the
	// account's own limit: Config.Postpaid.CreditLimit (or the currency's
	// CurrencyConfig.CreditLimit) applies again. The notice threshold and
	// whether crossing the limit blocks a purchase stay the configured
	// policy's.
	Limit money.Amount `json:"limit,omitzero"`
	// Actor identifies the operator; required, it goes to the audit trail.
	Actor string `json:"actor"`
	// Reason is free text kept in the audit trail.
	Reason string `json:"reason,omitempty"`
}

// creditLimitChange is the audit detail of a credit-limit change.
type creditLimitChange struct {
	From   money.Amount `json:"from,omitzero"`
	To     money.Amount `json:"to,omitzero"`
	Reason string       `json:"reason,omitempty"`
}

// SetCreditLimit sets the account's own credit limit (an audited
// operation, "account.credit_limit_changed"), used by its postpaid
// purchases instead of the configured default from the next purchase on;
// what it already owes is not touched. Setting the limit it has changes
// nothing and writes no audit record.
//
// Errors: a *RequestError naming AccountID, Limit (another currency,
// negative, or finer than the currency's minor unit), Actor or Reason;
// ErrAccountNotFound.
func (s *System) SetCreditLimit(ctx context.Context, key string, req SetCreditLimitRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetCreditLimit")
	defer op.End(&err)
	if err := checkAuditedChange(req.AccountID, req.Actor, req.Reason); err != nil {
		return Account{}, err
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "account.set_credit_limit", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		a, err := core.GetAccount(ctx, tx, req.AccountID, true)
		if err != nil {
			return Account{}, err
		}
		if !req.Limit.Currency().IsZero() || !req.Limit.IsZero() {
			if err := checkCreditLimit(lifecycle.CreditLimitPolicy{Limit: req.Limit}, a.Currency); err != nil {
				return Account{}, &RequestError{Field: "Limit", Reason: err.Error()}
			}
		}
		if a.CreditLimit.Currency() == req.Limit.Currency() && a.CreditLimit.Equal(req.Limit) {
			return a, nil
		}
		detail, err := json.Marshal(creditLimitChange{From: a.CreditLimit, To: req.Limit, Reason: req.Reason})
		if err != nil {
			return Account{}, err
		}
		now := s.env.Now()
		a.CreditLimit, a.UpdatedAt = req.Limit, now
		if a, err = tx.Accounts().Update(ctx, a); err != nil {
			return Account{}, err
		}
		_, err = tx.Audit().Append(ctx, storage.AuditRecord{
			AccountID: a.ID, Actor: req.Actor, Action: "account.credit_limit_changed", Detail: detail, At: now,
		})
		return a, err
	})
}

// SetDiscountRateRequest gives an account a postpaid discount of its own.
type SetDiscountRateRequest = billingtype.SetDiscountRateRequest

// SetDiscountRate sets the account's contract discount on its postpaid
// bills (an audited, idempotent operation,
// "account.discount_rate_changed"); see SetDiscountRateRequest. Errors: a
// *RequestError naming AccountID, Rate, Actor or Reason; ErrAccountNotFound.
func (s *System) SetDiscountRate(ctx context.Context, key string, req SetDiscountRateRequest) (_ Account, err error) {
	ctx, op := s.env.Tel.Start(ctx, "SetDiscountRate")
	defer op.End(&err)
	if err := checkAuditedChange(req.AccountID, req.Actor, req.Reason); err != nil {
		return Account{}, err
	}
	return txn.Idempotent(ctx, s.env, req.AccountID, key, "account.set_discount_rate", req, func(ctx context.Context, tx storage.Tx) (Account, error) {
		return postpaid.SetDiscountRate(ctx, s.env, tx, req)
	})
}

// checkAuditedChange checks the fields every audited change of an account
// carries: the account, who acted and why.
func checkAuditedChange(accountID, actor, reason string) error {
	var c requestCheck
	c.accountID("AccountID", accountID)
	c.actor(actor)
	c.text("Reason", reason, MaxReasonBytes)
	if c.err == nil && actor == "" {
		c.err = &RequestError{Field: "Actor", Reason: "is required for the audit trail"}
	}
	return c.err
}
