package coupon

import (
	"strconv"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
)

// Request is everything Evaluate needs to know about one order. Evaluate
// does not keep or change any of it.
type Request struct {
	// Codes are the coupon codes the customer entered, in the order
	// entered, as typed (Evaluate normalises them). None is allowed.
	Codes []string
	// Coupons are the definitions the host found for the entered codes; a
	// code with no definition here is rejected as unknown. Every definition
	// must pass Validate, and no two may share a code. Definitions for codes
	// not entered are ignored.
	Coupons []Coupon
	// AccountID is the account placing the order; required.
	AccountID string
	// Action is what the order does: create, renew or resize.
	Action Action
	// Currency is the order's (the account's) currency code.
	Currency string
	// Now is the instant the order is placed, compared with the coupons'
	// validity windows; required.
	Now time.Time
	// FirstOrder reports whether this is the account's first order.
	FirstOrder bool
	// Lines are the order's lines; at least one.
	Lines []Line
	// Usage holds, by normalised code, the redemptions that count against
	// each coupon's limits: reserved and consumed ones (not released). A
	// code missing from the map has none.
	Usage map[string]Usage
}

// Line is one line of an order, typically one resource.
type Line struct {
	// Product is the product id, compared exactly with Coupon.Products.
	Product string
	// Amount is the line's amount after term discounts and before coupons,
	// in the order's currency: non-negative, whole minor units.
	Amount money.Amount
}

// Usage counts a coupon's redemptions that count against its limits.
type Usage struct {
	// Total counts them over all accounts, Account those of the order's
	// account. Neither may be negative.
	Total, Account int
}

// Result is how the coupons of an order apply. Slices are indexed like
// Request.Lines where they are per line.
type Result struct {
	// Applied lists the coupons in the order entered.
	Applied []Applied
	// Lines is each line's total discount over all coupons; it never
	// exceeds the line's amount.
	Lines []money.Amount
	// Total is the order's total discount, the sum of Applied amounts and
	// of Lines.
	Total money.Amount
}

// Applied is one coupon as applied to an order.
type Applied struct {
	// Code is the coupon's normalised code and Kind its kind.
	Code string
	Kind Kind
	// Base is what the coupon was computed on: the eligible lines' amounts
	// less the coupons applied before it.
	Base money.Amount
	// Amount is the discount: at most Base, and for a percent coupon at
	// most its Cap.
	Amount money.Amount
	// Shares splits Amount over the order's lines; they sum exactly to
	// Amount, and a line the coupon does not apply to gets zero.
	Shares []money.Amount
}

// order is a checked request: its currency and definitions by code.
type order struct {
	Request
	cur  money.Currency
	defs map[string]Coupon
}

// check validates req and indexes its definitions. A broken definition is a
// *DefinitionError, anything else a *RequestError.
func check(req Request) (order, error) {
	bad := func(field, reason string, err error) error {
		return &RequestError{Field: field, Reason: reason, Err: err}
	}
	cur, err := money.LookupCurrency(req.Currency)
	if err != nil {
		return order{}, bad("currency", "unknown currency "+quote(req.Currency), err)
	}
	switch {
	case req.AccountID == "":
		return order{}, bad("account_id", "required", nil)
	case !req.Action.Valid():
		return order{}, bad("action", "unknown action "+quote(string(req.Action)), nil)
	case req.Now.IsZero():
		return order{}, bad("now", "required", nil)
	case len(req.Lines) == 0:
		return order{}, bad("lines", "at least one line is required", nil)
	}
	for i, l := range req.Lines {
		field := "lines[" + strconv.Itoa(i) + "]"
		switch {
		case l.Product == "":
			return order{}, bad(field+".product", "required", nil)
		case l.Amount.Currency() != cur:
			return order{}, bad(field+".amount", "not in the order's currency",
				&money.CurrencyMismatchError{A: cur.Code(), B: l.Amount.Currency().Code()})
		case l.Amount.IsNegative():
			return order{}, bad(field+".amount", "must not be negative", nil)
		case !l.Amount.IsRounded():
			return order{}, bad(field+".amount", "must be whole minor units", money.ErrNotRounded)
		}
	}
	defs := make(map[string]Coupon, len(req.Coupons))
	for i, c := range req.Coupons {
		if err := c.Validate(); err != nil {
			return order{}, err
		}
		if _, dup := defs[c.Code]; dup {
			return order{}, bad("coupons["+strconv.Itoa(i)+"]", "code "+c.Code+" defined twice", nil)
		}
		defs[c.Code] = c
	}
	for code, u := range req.Usage {
		// A key not in normal form would never be found, silently
		// lifting the coupon's limits.
		if n, err := NormalizeCode(code); err != nil || n != code {
			return order{}, bad("usage", "key "+quote(code)+" is not a normalised code", err)
		}
		if u.Total < 0 || u.Account < 0 {
			return order{}, bad("usage["+code+"]", "counts must not be negative", nil)
		}
	}
	return order{Request: req, cur: cur, defs: defs}, nil
}
