package payment

import (
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// EntryMeta is the header a caller supplies for a new journal entry: its
// ID, what it refers to, an optional memo and when it happened. The
// constructors add the kind and the postings.
type EntryMeta struct {
	ID        string
	Reference Reference
	Memo      string
	At        time.Time
}

// The constructors below build every movement of the wallet and of
// payments, so that callers never assemble postings by hand. Each returns a
// valid Entry (see Entry.Validate) or an error: an *AmountError for an
// amount that is not payable (see ValidateAmount) or in the wrong currency,
// an *ArgumentError for a malformed ID or plan, or the error of Validate for
// a bad header.

// TopUpEntry records amount received through gateway as cash credit:
// gateway:clearing:<gateway> −amount, customer:cash +amount.
func TopUpEntry(m EntryMeta, gateway string, amount money.Amount) (Entry, error) {
	if err := checkID("gateway", gateway); err != nil {
		return Entry{}, err
	}
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryTopUp,
		Posting{Account: ClearingAccount(gateway), Amount: amount.Neg()},
		Posting{Account: CashAccount(), Amount: amount},
	)
}

// GatewayPaymentEntry records an order or invoice paid wholly through
// gateway (or a linked account of it):
// gateway:clearing:<gateway> −amount, revenue:sales +amount.
func GatewayPaymentEntry(m EntryMeta, gateway string, amount money.Amount) (Entry, error) {
	if err := checkID("gateway", gateway); err != nil {
		return Entry{}, err
	}
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryGatewayPayment,
		Posting{Account: ClearingAccount(gateway), Amount: amount.Neg()},
		Posting{Account: SalesAccount(), Amount: amount},
	)
}

// SpendEntry records a payment from credit as planned by
// Wallet.PlanSpend: each planned bucket −its part, revenue:sales
// +plan.Amount.
func SpendEntry(m EntryMeta, plan SpendPlan) (Entry, error) {
	postings, err := plan.postings()
	if err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryPayment, append(postings, Posting{Account: SalesAccount(), Amount: plan.Amount})...)
}

// HoldEntry sets aside the credit part of a Top up & Pay payment, as
// planned by Wallet.PlanSpend, while its gateway part is in progress: each
// planned bucket −its part, customer:held:<paymentID> +plan.Amount. The hold
// ends with CaptureEntry or ReleaseEntry.
func HoldEntry(m EntryMeta, paymentID string, plan SpendPlan) (Entry, error) {
	if err := checkID("paymentID", paymentID); err != nil {
		return Entry{}, err
	}
	postings, err := plan.postings()
	if err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryHold, append(postings, Posting{Account: HeldAccount(paymentID), Amount: plan.Amount})...)
}

// CaptureEntry completes the Top up & Pay payment that hold set aside
// credit for, once its gateway part of fromGateway has been received
// through gateway: customer:held:<payment> −held,
// gateway:clearing:<gateway> −fromGateway, revenue:sales +(held +
// fromGateway). A hold is captured whole. fromGateway may be zero (of the
// hold's currency, or the zero Amount), in which case gateway is not used
// and only the held credit becomes revenue.
func CaptureEntry(m EntryMeta, hold Entry, gateway string, fromGateway money.Amount) (Entry, error) {
	held, err := heldPosting(hold)
	if err != nil {
		return Entry{}, err
	}
	postings := []Posting{{Account: held.Account, Amount: held.Amount.Neg()}}
	total := held.Amount
	if !fromGateway.IsZero() {
		if err := checkID("gateway", gateway); err != nil {
			return Entry{}, err
		}
		if err := checkAmount("fromGateway", fromGateway); err != nil {
			return Entry{}, err
		}
		if total, err = total.Add(fromGateway); err != nil {
			return Entry{}, &AmountError{Name: "fromGateway", Amount: fromGateway, Reason: "is not in the hold's currency", Err: err}
		}
		postings = append(postings, Posting{Account: ClearingAccount(gateway), Amount: fromGateway.Neg()})
	}
	return newEntry(m, EntryCapture, append(postings, Posting{Account: SalesAccount(), Amount: total})...)
}

// ReleaseEntry returns the credit that hold set aside to the buckets it
// came from, exactly (the hold's postings negated): customer:held:<payment>
// −total, each bucket +its part. A grant that expired meanwhile gets its
// part back too; the next Wallet.PlanExpiry expires it.
func ReleaseEntry(m EntryMeta, hold Entry) (Entry, error) {
	if _, err := heldPosting(hold); err != nil {
		return Entry{}, err
	}
	postings := make([]Posting, len(hold.Postings))
	for i, p := range hold.Postings {
		postings[i] = Posting{Account: p.Account, Amount: p.Amount.Neg()}
	}
	return newEntry(m, EntryRelease, postings...)
}

// RefundEntry records a refund of amount to cash credit:
// revenue:refunds −amount, customer:cash +amount. Refunds always go to
// cash, whatever paid for the original order.
func RefundEntry(m EntryMeta, amount money.Amount) (Entry, error) {
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryRefund,
		Posting{Account: RefundsAccount(), Amount: amount.Neg()},
		Posting{Account: CashAccount(), Amount: amount},
	)
}

// PromoGrantEntry records a grant of amount promotional credit:
// expense:promotions −amount, customer:promo:<grantID> +amount. The grant's
// expiry is not part of the ledger; the caller keeps it beside the grant
// and passes it to NewWallet as PromoBalance.ExpiresAt.
func PromoGrantEntry(m EntryMeta, grantID string, amount money.Amount) (Entry, error) {
	if err := checkID("grantID", grantID); err != nil {
		return Entry{}, err
	}
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryPromoGrant,
		Posting{Account: PromotionsAccount(), Amount: amount.Neg()},
		Posting{Account: PromoAccount(grantID), Amount: amount},
	)
}

// PromoExpireEntry records that amount of grant grantID expired unspent:
// customer:promo:<grantID> −amount, income:promo_expired +amount.
// Wallet.PlanExpiry builds these for every expired grant.
func PromoExpireEntry(m EntryMeta, grantID string, amount money.Amount) (Entry, error) {
	if err := checkID("grantID", grantID); err != nil {
		return Entry{}, err
	}
	if err := checkAmount("amount", amount); err != nil {
		return Entry{}, err
	}
	return newEntry(m, EntryPromoExpire,
		Posting{Account: PromoAccount(grantID), Amount: amount.Neg()},
		Posting{Account: PromoExpiredAccount(), Amount: amount},
	)
}

// newEntry assembles and validates an entry.
func newEntry(m EntryMeta, kind EntryKind, postings ...Posting) (Entry, error) {
	e := Entry{ID: m.ID, Kind: kind, Reference: m.Reference, Memo: m.Memo, At: m.At, Postings: postings}
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	return e, nil
}

// postings checks the plan (a payable Amount; at least one debit, each
// positive, on cash or a promotional grant, in Amount's currency, summing to
// Amount) and returns its debits as negative postings.
func (p SpendPlan) postings() ([]Posting, error) {
	if err := checkAmount("plan.Amount", p.Amount); err != nil {
		return nil, err
	}
	if len(p.Debits) == 0 {
		return nil, &ArgumentError{Name: "plan.Debits", Reason: "is empty"}
	}
	out := make([]Posting, 0, len(p.Debits)+1)
	// The debits are summed as they are checked (money.Sum's checks, no
	// slice of parts), and a debit's name is only built for an error.
	sum, err := money.Zero(p.Amount.Currency().Code())
	for i, d := range p.Debits {
		name := func() string { return "plan.Debits[" + strconv.Itoa(i) + "]" }
		if k := d.Account.Kind; k != AccountCash && k != AccountPromo {
			return nil, &ArgumentError{Name: name() + ".Account", Reason: "is " + strconv.Quote(d.Account.String()) + ", not cash or promotional credit"}
		}
		if d.Amount.Currency() != p.Amount.Currency() {
			return nil, sameCurrency(name()+".Amount", d.Amount, p.Amount.Currency())
		}
		if !d.Amount.IsPositive() {
			return nil, &AmountError{Name: name() + ".Amount", Amount: d.Amount, Reason: "must be positive"}
		}
		if err == nil {
			sum, err = sum.Add(d.Amount)
		}
		out = append(out, Posting{Account: d.Account, Amount: d.Amount.Neg()})
	}
	if err != nil { // unreachable: every currency was checked above
		return nil, &AmountError{Name: "plan.Debits", Amount: sum, Reason: "cannot be summed", Err: err}
	}
	if !sum.Equal(p.Amount) {
		return nil, &AmountError{Name: "plan.Debits", Amount: sum, Reason: "sum to " + sum.String() + ", not the plan's " + p.Amount.String()}
	}
	return out, nil
}

// heldPosting checks that hold is a valid hold entry and returns its
// posting to customer:held:<payment>.
func heldPosting(hold Entry) (Posting, error) {
	if hold.Kind != EntryHold {
		return Posting{}, &ArgumentError{Name: "hold", Reason: "is a " + strconv.Quote(clip(string(hold.Kind))) + " entry, not a hold"}
	}
	if err := hold.Validate(); err != nil {
		return Posting{}, err
	}
	for _, p := range hold.Postings {
		if p.Account.Kind == AccountHeld {
			return p, nil
		}
	}
	// unreachable for a valid hold: the credit must flow somewhere, and a
	// hold may only grow a held account.
	return Posting{}, &ArgumentError{Name: "hold", Reason: "has no held posting"}
}
