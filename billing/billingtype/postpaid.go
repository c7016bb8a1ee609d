package billingtype

import (
	"time"

	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// PostpaidPolicy is how postpaid accounts and metered usage are billed:
// when a month closes, when bills fall due, when the daily jobs run, the
// overdue schedule, the credit limit and the credit hold. Zero fields take
// the documented defaults (Config.Postpaid).
type PostpaidPolicy struct {
	// CloseDelay is how long after a month ends, in the account's time
	// zone, the worker closes it. Usage timed in the month is accepted
	// until the resource's month is closed and refused after that
	// (ReasonPeriodClosed): the delay is the time product services have to
	// send late usage. Default 1 hour; 1 minute to 7 days.
	CloseDelay time.Duration
	// PaymentTermDays is how many calendar days after its issue a month's
	// bill falls due (the overdue schedule's T). Default 15; 0 to 90.
	PaymentTermDays int
	// DailyAt is the local time of day, in the account's zone, at which
	// the daily jobs run: automatic invoice payment and the credit hold.
	// Default 09:00; 0 to 23:59.
	DailyAt time.Duration
	// Overdue is the schedule of unpaid bills past due. Default
	// lifecycle.DefaultOverduePolicy(): charge attempts at T, T+7 and
	// T+14, suspension at T+15, release 15 days later.
	Overdue *lifecycle.OverduePolicy
	// ChargeLinkedAccount makes each charge attempt of the overdue
	// schedule charge what the available credit does not cover to the
	// account's default linked account (a card or wallet on file), when it
	// has one: the charge is a payment of its own on the invoice, sent to
	// the gateway after the worker's transaction commits, and a failure is
	// the payment's (retried by the worker, the invoice still open).
	// Default false: credit only.
	ChargeLinkedAccount bool
	// CreditLimit caps what a postpaid account may owe (usage not yet
	// billed plus unpaid bills plus the purchase): crossing the notice
	// threshold or the limit sends NoticeCreditLimit, and a policy that
	// blocks refuses the purchase (lifecycle.ErrCreditLimitExceeded). Its
	// Limit, in DefaultCurrency, applies to every postpaid account in that
	// currency; accounts in another currency take that currency's
	// CurrencyConfig.CreditLimit, with this notice threshold and blocking.
	// Default: no limit.
	CreditLimit lifecycle.CreditLimitPolicy
	// Hold is the credit-hold rule for prepaid accounts' metered usage.
	// Default metering.DefaultHoldPolicy(): usage so far plus 3 days'
	// estimate, the service stopped after 5 short days in a row. The
	// estimate averages the priced usage of the complete local days of the
	// month since usage began (days before the first usage do not count).
	Hold *metering.HoldPolicy
}
