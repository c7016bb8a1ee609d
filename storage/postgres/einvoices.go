package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/cloudbill/cloudbill/storage"
)

// einvoiceQueries are the statements of the e-invoice repository.
type einvoiceQueries struct {
	create, get, getForUpdate, bySource, byDocument, update string
	// list is indexed by [after a cursor].
	list   [2]string
	exists string
}

const einvoiceColumns = `account_id, id, source, kind, document_ids, series, number, issued_at, related_id, status, xml,
	provider_ref, authority_code, lookup_code, reason, replaced_by_id, created_at, updated_at`

func newEInvoiceQueries(t tables) einvoiceQueries {
	r := strings.NewReplacer("{einvoices}", t.einvoices, "{cols}", einvoiceColumns)
	return einvoiceQueries{
		// No conflict target: DO NOTHING covers the id, the (account,
		// source) and the (series, number) alike, so any key already
		// taken is "0 rows" and the transaction stays usable; a
		// concurrent uncommitted insert of one of them is waited for.
		create: r.Replace(`INSERT INTO {einvoices} ({cols})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			ON CONFLICT DO NOTHING`),
		get:          r.Replace(`SELECT {cols} FROM {einvoices} WHERE account_id = $1 AND id = $2`),
		getForUpdate: r.Replace(`SELECT {cols} FROM {einvoices} WHERE account_id = $1 AND id = $2 FOR UPDATE`),
		bySource:     r.Replace(`SELECT {cols} FROM {einvoices} WHERE account_id = $1 AND source = $2`),
		// @> rather than "$2 = ANY (document_ids)": containment is what
		// the GIN index einvoices_documents serves (migration 0017).
		byDocument: r.Replace(`SELECT {cols} FROM {einvoices}
			WHERE document_ids @> ARRAY[$2::text] AND account_id = $1
			ORDER BY created_at, id COLLATE "C"`),
		// Only the fields that change after issue are in the SET list.
		update: r.Replace(`UPDATE {einvoices} SET status = $3, xml = $4, provider_ref = $5, authority_code = $6,
				lookup_code = $7, reason = $8, replaced_by_id = $9, updated_at = $10
			WHERE account_id = $1 AND id = $2`),
		// Keyset pages in the order of einvoices_account_created: after a
		// cursor, the rows before its (created_at, id), read in the same
		// statement; an unknown cursor makes the comparison NULL and the
		// page empty, and exists then tells it from the end of the list.
		list: [2]string{
			r.Replace(`SELECT {cols} FROM {einvoices} WHERE account_id = $1
				ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $2`),
			r.Replace(`SELECT {cols} FROM {einvoices} WHERE account_id = $1
				AND (created_at, id COLLATE "C") < (SELECT created_at, id FROM {einvoices} WHERE account_id = $1 AND id = $3)
				ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT $2`),
		},
		exists: r.Replace(`SELECT EXISTS (SELECT 1 FROM {einvoices} WHERE account_id = $1 AND id = $2)`),
	}
}

// maxEInvoiceNumber is the largest number of an e-invoice in its series
// (eight digits), as the table's CHECK has it.
const maxEInvoiceNumber = 99_999_999

// The values of EInvoice.Kind and EInvoice.Status, as the table's CHECKs
// list them.
var (
	einvoiceKinds    = []string{"original", "adjustment", "replacement"}
	einvoiceStatuses = []string{"draft", "signed", "sent", "accepted", "rejected"}
)

// einvoices is the storage.EInvoices of one transaction.
type einvoices struct{ t *tx }

// validEInvoiceStatus checks in Go what Update writes, so a bad value
// returns ErrInvalidRecord and leaves the transaction usable.
func validEInvoiceStatus(op string, e storage.EInvoice) error {
	switch {
	case !slices.Contains(einvoiceStatuses, e.Status):
		return invalid(op, fmt.Sprintf("status %q is not one of %v", e.Status, einvoiceStatuses))
	case !allStorable(e.ProviderRef, e.AuthorityCode, e.LookupCode, e.Reason, e.ReplacedByID):
		return invalid(op, "text must be UTF-8 without NUL bytes")
	}
	return nil
}

// validEInvoice checks in Go everything the table's constraints would
// refuse, and the date of issue, which no constraint can.
func validEInvoice(op string, e storage.EInvoice) error {
	switch {
	case e.ID == "" || e.AccountID == "" || e.Source == "" || e.Series == "":
		return invalid(op, "id, account, source and series are required")
	case !slices.Contains(einvoiceKinds, e.Kind):
		return invalid(op, fmt.Sprintf("kind %q is not one of %v", e.Kind, einvoiceKinds))
	case len(e.DocumentIDs) == 0 || slices.Contains(e.DocumentIDs, ""):
		return invalid(op, "at least one document, none empty")
	case e.Number < 1 || e.Number > maxEInvoiceNumber:
		return invalid(op, fmt.Sprintf("number %d outside 1–%d", e.Number, maxEInvoiceNumber))
	case e.IssuedAt.IsZero():
		return invalid(op, "no date of issue")
	case !allStorable(e.ID, e.AccountID, e.Source, e.Series, e.RelatedID) || !allStorable(e.DocumentIDs...):
		return invalid(op, "text must be UTF-8 without NUL bytes")
	}
	return validEInvoiceStatus(op, e)
}

// Create reports a key already taken by "0 rows" (see einvoiceQueries).
func (r einvoices) Create(ctx context.Context, e storage.EInvoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create e-invoice %q", e.ID)
	if err := validEInvoice(op, e); err != nil {
		return err
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.einvoices.create, e.AccountID, e.ID, e.Source, e.Kind, e.DocumentIDs, e.Series,
		e.Number, e.IssuedAt, e.RelatedID, e.Status, emptyIfNone(e.XML), e.ProviderRef, e.AuthorityCode, e.LookupCode,
		e.Reason, e.ReplacedByID, e.CreatedAt, e.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return duplicate(op + ": its id, source or number is taken")
	}
	return nil
}

func (r einvoices) Get(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	return r.get(ctx, "get e-invoice", r.t.s.q.einvoices.get, accountID, id)
}

// GetForUpdate matches the tenant too, so another tenant's e-invoice is
// neither returned nor locked.
func (r einvoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	return r.get(ctx, "get e-invoice for update", r.t.s.q.einvoices.getForUpdate, accountID, id)
}

func (r einvoices) BySource(ctx context.Context, accountID, source string) (storage.EInvoice, error) {
	return r.get(ctx, "get e-invoice by source", r.t.s.q.einvoices.bySource, accountID, source)
}

// get reads the row of the tenant and key; text no row can hold is not
// found without a round trip.
func (r einvoices) get(ctx context.Context, op, query, accountID, key string) (storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.EInvoice{}, err
	}
	op = fmt.Sprintf("%s %q", op, key)
	if !possibleKey(accountID) || !possibleKey(key) {
		return storage.EInvoice{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, query, scanEInvoice, accountID, key)
}

func (r einvoices) ByDocument(ctx context.Context, accountID, documentID string) ([]storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	out := []storage.EInvoice{}
	if !possibleKey(accountID) || !possibleKey(documentID) {
		return out, nil
	}
	found, err := queryAll(ctx, r.t, fmt.Sprintf("e-invoices of document %q", documentID), r.t.s.q.einvoices.byDocument,
		scanEInvoice, accountID, documentID)
	return append(out, found...), err
}

// Update checks the new values before it looks for the row, as the memory
// store does, so both report the same error for the same call.
func (r einvoices) Update(ctx context.Context, e storage.EInvoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("update e-invoice %q", e.ID)
	if err := validEInvoiceStatus(op, e); err != nil {
		return err
	}
	if !possibleKey(e.AccountID) || !possibleKey(e.ID) {
		return notFound(op)
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.einvoices.update, e.AccountID, e.ID, e.Status, emptyIfNone(e.XML), e.ProviderRef,
		e.AuthorityCode, e.LookupCode, e.Reason, e.ReplacedByID, e.UpdatedAt)
	if err != nil {
		return r.t.fail(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// List pages newest first on (created_at, id).
func (r einvoices) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	const op = "list e-invoices"
	if err := checkLimit(op, limit); err != nil {
		return nil, err
	}
	cursorMissing := notFound(fmt.Sprintf("%s: cursor %q", op, afterID))
	out := []storage.EInvoice{}
	switch {
	case !possibleKey(accountID) || !storable(afterID):
		if afterID != "" {
			return nil, cursorMissing
		}
		return out, nil
	case afterID == "":
		page, err := queryAll(ctx, r.t, op, r.t.s.q.einvoices.list[0], scanEInvoice, accountID, limit)
		return append(out, page...), err
	}
	page, err := queryAll(ctx, r.t, op, r.t.s.q.einvoices.list[1], scanEInvoice, accountID, limit, afterID)
	if err != nil || len(page) > 0 {
		return append(out, page...), err
	}
	// An empty page after a cursor: the end of the list, or a cursor
	// that is not one of the tenant's e-invoices.
	known, err := r.t.exists(ctx, op, r.t.s.q.einvoices.exists, accountID, afterID)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, cursorMissing
	}
	return out, nil
}

// scanEInvoice reads einvoiceColumns; an empty XML reads as none, as the
// memory store gives it back.
func scanEInvoice(row pgx.Row) (storage.EInvoice, error) {
	var e storage.EInvoice
	if err := row.Scan(&e.AccountID, &e.ID, &e.Source, &e.Kind, &e.DocumentIDs, &e.Series, &e.Number, &e.IssuedAt,
		&e.RelatedID, &e.Status, &e.XML, &e.ProviderRef, &e.AuthorityCode, &e.LookupCode, &e.Reason, &e.ReplacedByID,
		&e.CreatedAt, &e.UpdatedAt); err != nil {
		return storage.EInvoice{}, err
	}
	e.XML = noneIfEmpty(e.XML)
	e.IssuedAt, e.CreatedAt, e.UpdatedAt = e.IssuedAt.UTC(), e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return e, nil
}
