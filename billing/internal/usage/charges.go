package usage

import (
	"context"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/billing/metering"
	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/storage"
	"github.com/shopspring/decimal"
)

// UsageCharges prices a resource's metered usage in span from the stored
// events, inside tx: the events are aggregated per metric by the System's
// meter and priced by the metered prices of the account's currency. A
// System without metered items bills no usage and reads none (RecordUsage
// refuses every event there).
func UsageCharges(ctx context.Context, s *core.Env, tx storage.Tx, acct storage.Account, resourceID string, span period.Span) ([]metering.Charge, error) {
	meter, err := s.MeterFor(acct.Currency)
	if err != nil {
		return nil, err
	}
	if len(meter.Items()) == 0 {
		return nil, nil
	}
	var events []metering.Event
	q := storage.UsageQuery{AccountID: acct.ID, ResourceID: resourceID, From: span.Start, To: span.End}
	if err := eachUsage(ctx, tx, q, func(e storage.UsageEvent) (bool, error) {
		events = append(events, meteringEvent(e))
		return false, nil
	}); err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, nil
	}
	aggs, err := meter.Aggregate(events, span)
	if err != nil {
		return nil, err
	}
	charges := make([]metering.Charge, 0, len(aggs))
	for _, a := range aggs {
		c, err := meter.Price(a)
		if err != nil {
			return nil, err
		}
		charges = append(charges, c)
	}
	return charges, nil
}

// unitPricePlaces is how many decimal places beyond the currency's a unit
// price taken out of a tax-inclusive price keeps: a bill is rounded once,
// at its line, so the total of a whole month stays within a minor unit of
// the inclusive price.
const unitPricePlaces = 6

// PreTaxUnitPrice is the price before tax of a unit priced by a catalog
// with tax policy tax: the price itself when prices exclude tax, else the
// price ÷ (1 + rate) to unitPricePlaces more digits than the currency's,
// so that month close's pre-tax + tax gives back the inclusive price
// (181,000 a month with 10% included: 164,545.454545 before tax, billed
// 164,545 + 16,455 = 181,000 for a whole 30 days).
func PreTaxUnitPrice(price money.Amount, tax pricing.TaxPolicy) (money.Amount, error) {
	if tax.Mode != pricing.TaxInclusive || tax.Rate.IsZero() {
		return price, nil
	}
	return price.Div(decimal.NewFromInt(1).Add(tax.Rate), price.Currency().Digits()+unitPricePlaces, money.HalfUp)
}

// Metered is usage charges as a bill's input: each with its unit price
// before tax and the tax rate, under the catalog's tax policy.
func Metered(charges []metering.Charge, tax pricing.TaxPolicy) ([]postpaid.Metered, error) {
	var out []postpaid.Metered
	for _, c := range charges {
		p, err := PreTaxUnitPrice(c.UnitPrice, tax)
		if err != nil {
			return nil, err
		}
		c.UnitPrice = p
		out = append(out, postpaid.Metered{Charge: c, TaxRate: tax.Rate})
	}
	return out, nil
}
