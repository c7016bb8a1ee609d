package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/money"
)

// errNotANumber reports a NUMERIC NaN or infinity read from a money column;
// the store never writes one, so it means the row was written by other SQL.
var errNotANumber = errors.New("postgres: money column holds NaN or infinity")

// numeric converts d to a NUMERIC argument exactly, as coefficient and
// exponent: never through a float, and without depending on how decimal
// formats text.
func numeric(d decimal.Decimal) pgtype.Numeric {
	return pgtype.Numeric{Int: d.Coefficient(), Exp: d.Exponent(), Valid: true}
}

// amountArg is a's number as a NUMERIC argument, or NULL for the zero Amount,
// which has no currency and means "no amount".
func amountArg(a money.Amount) pgtype.Numeric {
	if a.Currency().IsZero() {
		return pgtype.Numeric{}
	}
	return numeric(a.Number())
}

// decimalOf converts a NUMERIC read from the database back to a decimal.
func decimalOf(n pgtype.Numeric) (decimal.Decimal, error) {
	if n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
		return decimal.Decimal{}, errNotANumber
	}
	return decimal.NewFromBigInt(n.Int, n.Exp), nil
}

// readAmount rebuilds an amount from its number and its row's currency; a
// NULL number is the zero Amount.
func readAmount(n pgtype.Numeric, currency string) (money.Amount, error) {
	if !n.Valid {
		return money.Amount{}, nil
	}
	d, err := decimalOf(n)
	if err != nil {
		return money.Amount{}, err
	}
	a, err := money.FromDecimal(d, currency)
	if err != nil {
		return money.Amount{}, fmt.Errorf("postgres: read amount in %q: %w", currency, err)
	}
	return a, nil
}

// sharedCurrency returns the currency code of the amounts that have one,
// "" when none has, and false when they disagree: a row stores one
// currency for all its amounts.
func sharedCurrency(amounts ...money.Amount) (string, bool) {
	code := ""
	for _, a := range amounts {
		c := a.Currency().Code()
		switch {
		case c == "":
		case code == "":
			code = c
		case c != code:
			return "", false
		}
	}
	return code, true
}

// nullText maps "" to NULL, for the currency of a row without amounts.
func nullText(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }

// nullTime maps the zero time to NULL, so that optional instants (expiries)
// stay out of the partial indexes that find them.
func nullTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}

// timeOf reads a nullable instant back: NULL is the zero time, anything else
// is in UTC.
func timeOf(t pgtype.Timestamptz) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// moneyArgs returns a's currency and number as the arguments of a row's
// currency and amount columns (both NULL for the zero Amount), and false
// when the currency is not three upper-case letters.
func moneyArgs(a money.Amount) (pgtype.Text, pgtype.Numeric, bool) {
	cur := a.Currency().Code()
	if cur != "" && !currencyCode(cur) {
		return pgtype.Text{}, pgtype.Numeric{}, false
	}
	return nullText(cur), amountArg(a), true
}
