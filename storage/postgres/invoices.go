package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// invoices is the storage.Invoices of one transaction.
type invoices struct{ t *tx }

// checkInvoice checks inv as the invoices table's constraints would, and
// returns the currency its amounts share (its Currency when it has none).
func checkInvoice(op string, inv storage.Invoice) (string, error) {
	switch {
	case inv.ID == "" || inv.AccountID == "" || inv.Kind == "" || inv.Status == "":
		return "", invalid(op, "id, account, kind and status are required")
	case !allStorable(inv.ID, inv.AccountID, inv.ResourceID, inv.OrderID, string(inv.Kind), string(inv.Status), inv.Series,
		string(inv.TaxMode), inv.VoidReason, inv.CreditedInvoiceID, inv.Memo):
		return "", invalid(op, "text must be UTF-8 without NUL bytes")
	}
	for _, p := range []*invoice.Party{inv.Seller, inv.Buyer} {
		if p != nil {
			if err := invoice.CheckParty("party", *p); err != nil {
				return "", invalid(op, err.Error())
			}
		}
	}
	code, ok := sharedCurrency(inv.Total, inv.Subtotal, inv.Discount, inv.Net, inv.Tax, inv.AmountPaid, inv.AmountCredited)
	switch {
	case !ok || (inv.Currency != "" && code != "" && code != inv.Currency):
		return "", invalid(op, "every amount must be in the invoice's currency")
	case code == "":
		code = inv.Currency
	}
	if code != "" && !currencyCode(code) {
		return "", invalid(op, fmt.Sprintf("currency %q is not three upper-case letters", code))
	}
	return code, nil
}

// invoiceArgs checks inv in Go and returns the arguments of its columns in
// invoiceColumns order up to buyer ($1–$27 of createInvoice and
// updateInvoice; the callers add created_at and updated_at). An invoice without a series (a draft) stores NULL series, and
// a zero number NULL number: NULLs never conflict in the (series, number)
// constraint.
func invoiceArgs(op string, inv storage.Invoice) ([]any, error) {
	code, err := checkInvoice(op, inv)
	if err != nil {
		return nil, err
	}
	number := pgtype.Int8{Int64: inv.Number, Valid: inv.Number != 0}
	return []any{inv.ID, inv.AccountID, inv.ResourceID, inv.OrderID, string(inv.Kind), string(inv.Status), nullText(inv.Series), number,
		nullText(code), amountArg(inv.Total), nullTime(inv.IssuedAt), string(inv.TaxMode),
		amountArg(inv.Subtotal), amountArg(inv.Discount), amountArg(inv.Net), amountArg(inv.Tax), amountArg(inv.AmountPaid),
		amountArg(inv.AmountCredited), emptyIfNone(inv.Lines), nullTime(inv.DueAt), nullTime(inv.PaidAt), nullTime(inv.VoidedAt),
		inv.VoidReason, inv.CreditedInvoiceID, inv.Memo, partyArg(inv.Seller), partyArg(inv.Buyer)}, nil
}

// partyArg is a document's party as a JSONB argument: NULL for none.
// Marshalling a Party of strings cannot fail.
func partyArg(p *invoice.Party) any {
	if p == nil {
		return nil
	}
	b, _ := json.Marshal(p)
	return string(b)
}

// codedReasonArg is a credit note's coded reason as a JSONB argument: NULL
// for none. Marshalling a struct of strings cannot fail.
func codedReasonArg(r invoice.CreditReason) any {
	if r.IsZero() {
		return nil
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// partyOf reads a JSONB party column: nil for NULL.
func partyOf(b []byte) (*invoice.Party, error) {
	if b == nil {
		return nil, nil
	}
	var p invoice.Party
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Create inserts with ON CONFLICT DO NOTHING and no conflict target, so an
// id already taken and a (Series, Number) already used are both
// ErrDuplicate without aborting the transaction; a concurrent uncommitted
// insert of either is waited for.
func (r invoices) Create(ctx context.Context, inv storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create invoice %q", inv.ID)
	args, err := invoiceArgs(op, inv)
	if err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.resources.createInvoice, append(args, inv.CreatedAt, inv.UpdatedAt, codedReasonArg(inv.CodedReason))...)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return duplicate(op)
	}
	return nil
}

func (r invoices) Get(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	return r.get(ctx, "get invoice", r.t.s.q.resources.getInvoice, accountID, id)
}

// GetForUpdate matches the tenant too, so another tenant's invoice is
// neither returned nor locked.
func (r invoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	return r.get(ctx, "get invoice for update", r.t.s.q.resources.getInvoiceForUpdate, accountID, id)
}

func (r invoices) get(ctx context.Context, op, query, accountID, id string) (storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Invoice{}, err
	}
	op = fmt.Sprintf("%s %q", op, id)
	if !possibleKey(accountID) || !possibleKey(id) {
		return storage.Invoice{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, query, scanInvoice, id, accountID)
}

// Update replaces everything but the id, the tenant and CreatedAt. A
// (Series, Number) that another invoice holds is ErrDuplicate and, when
// that invoice is committed, leaves the transaction usable (see
// resourceQueries.updateInvoice).
func (r invoices) Update(ctx context.Context, inv storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update invoice %q", inv.ID)
	if !possibleKey(inv.ID) || !possibleKey(inv.AccountID) {
		return notFound(op)
	}
	args, err := invoiceArgs(op, inv)
	if err != nil {
		return err
	}
	var found, taken, updated bool
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.updateInvoice, append(args, inv.UpdatedAt, codedReasonArg(inv.CodedReason))...).
		Scan(&found, &taken, &updated); err != nil {
		return r.t.fail(op, err)
	}
	switch {
	case updated:
		return nil
	case !found:
		return notFound(op)
	default:
		return fmt.Errorf("postgres: %s: number %s/%d is taken: %w", op, inv.Series, inv.Number, storage.ErrDuplicate)
	}
}

// List pages by seq, newest first.
func (r invoices) List(ctx context.Context, accountID, resourceID, afterID string, limit int) ([]storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("invoice list", limit); err != nil {
		return nil, err
	}
	const op = "list invoices"
	cursorMissing := notFound(fmt.Sprintf("%s: cursor %q", op, afterID))
	if !possibleKey(accountID) || !storable(afterID) {
		if afterID != "" {
			return nil, cursorMissing
		}
		return nil, nil
	}
	switch {
	case storable(resourceID):
		args := []any{accountID, limit}
		byResource, after := 0, 0
		if resourceID != "" {
			byResource, args = 1, append(args, resourceID)
		}
		if afterID != "" {
			after, args = 1, append(args, afterID)
		}
		out, err := queryAll(ctx, r.t, op, r.t.s.q.resources.listInvoices[byResource][after], scanInvoice, args...)
		if err != nil || len(out) > 0 || afterID == "" {
			return out, err
		}
	case afterID == "":
		return nil, nil // no invoice has that resource id
	}
	// An empty page after a cursor: the end of the list, or a cursor
	// that is not one of the tenant's invoices.
	known, err := r.t.exists(ctx, op, r.t.s.q.resources.invoiceExists, afterID, accountID)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, cursorMissing
	}
	return nil, nil
}

// NextNumber upserts the series row (see resourceQueries.nextNumber); its
// row lock is held until the transaction ends.
func (r invoices) NextNumber(ctx context.Context, series string) (int64, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	op := fmt.Sprintf("next number of series %q", series)
	if !possibleKey(series) {
		return 0, invalid(op, "series must be non-empty UTF-8 text without NUL bytes")
	}
	var n int64
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.nextNumber, series).Scan(&n); err != nil {
		return 0, r.t.fail(op, err)
	}
	return n, nil
}

// Open reads the account's open invoices through the partial index
// invoices_open (migration 0008).
func (r invoices) Open(ctx context.Context, accountID string, limit int) ([]storage.Invoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("open invoices", limit); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) {
		return nil, nil
	}
	return queryAll(ctx, r.t, "open invoices", r.t.s.q.resources.openInvoices, scanInvoice, accountID, limit)
}

// scanInvoice reads invoiceColumns; NULL series and number are "" and 0,
// NULL amounts the zero Amount, NULL times the zero time.
func scanInvoice(row pgx.Row) (storage.Invoice, error) {
	var (
		inv                                             storage.Invoice
		series, cur                                     pgtype.Text
		number                                          pgtype.Int8
		total, subtotal, discount, net, tax, paid, cred pgtype.Numeric
		issued, due, paidAt, voided                     pgtype.Timestamptz
		kind, status, taxMode                           string
		seller, buyer, coded                            []byte
	)
	if err := row.Scan(&inv.ID, &inv.AccountID, &inv.ResourceID, &inv.OrderID, &kind, &status,
		&series, &number, &cur, &total, &issued, &taxMode, &subtotal, &discount, &net, &tax, &paid, &cred,
		&inv.Lines, &due, &paidAt, &voided, &inv.VoidReason, &inv.CreditedInvoiceID, &inv.Memo,
		&seller, &buyer, &inv.CreatedAt, &inv.UpdatedAt, &coded); err != nil {
		return storage.Invoice{}, err
	}
	var err error
	if inv.Seller, err = partyOf(seller); err != nil {
		return storage.Invoice{}, fmt.Errorf("invoice %q seller: %w", inv.ID, err)
	}
	if inv.Buyer, err = partyOf(buyer); err != nil {
		return storage.Invoice{}, fmt.Errorf("invoice %q buyer: %w", inv.ID, err)
	}
	if coded != nil {
		if err := json.Unmarshal(coded, &inv.CodedReason); err != nil {
			return storage.Invoice{}, fmt.Errorf("invoice %q coded reason: %w", inv.ID, err)
		}
	}
	for _, a := range []struct {
		dst *money.Amount
		n   pgtype.Numeric
	}{{&inv.Total, total}, {&inv.Subtotal, subtotal}, {&inv.Discount, discount}, {&inv.Net, net}, {&inv.Tax, tax},
		{&inv.AmountPaid, paid}, {&inv.AmountCredited, cred}} {
		v, err := readAmount(a.n, cur.String)
		if err != nil {
			return storage.Invoice{}, err
		}
		*a.dst = v
	}
	inv.Kind, inv.Status, inv.TaxMode, inv.Currency = invoice.Kind(kind), invoice.Status(status), invoice.TaxMode(taxMode), cur.String
	inv.Series, inv.Number, inv.Lines = series.String, number.Int64, noneIfEmpty(inv.Lines)
	inv.IssuedAt, inv.DueAt, inv.PaidAt, inv.VoidedAt = timeOf(issued), timeOf(due), timeOf(paidAt), timeOf(voided)
	inv.CreatedAt, inv.UpdatedAt = inv.CreatedAt.UTC(), inv.UpdatedAt.UTC()
	return inv, nil
}
