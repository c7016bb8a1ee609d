package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudbill/cloudbill/storage"
)

// einvoiceState holds the e-invoices by id, with the indexes of their three
// unique keys and of the documents they state.
type einvoiceState struct {
	byID     map[string]storage.EInvoice
	bySource map[einvoiceSource]string // (account, source) → id
	byNumber map[einvoiceNumber]string // (series, number) → id: numbers are the seller's, across accounts
	// byDocument lists, per (account, document), the ids of the
	// e-invoices that state it, in creation order.
	byDocument map[einvoiceSource][]string
	byAccount  map[string][]string
}

// einvoiceSource is an account's key: (account, source) or (account,
// document id).
type einvoiceSource struct{ account, key string }

type einvoiceNumber struct {
	series string
	number int64
}

func newEInvoiceState() einvoiceState {
	return einvoiceState{
		byID:       map[string]storage.EInvoice{},
		bySource:   map[einvoiceSource]string{},
		byNumber:   map[einvoiceNumber]string{},
		byDocument: map[einvoiceSource][]string{},
		byAccount:  map[string][]string{},
	}
}

// maxEInvoiceNumber is the largest number of an e-invoice in its series
// (eight digits).
const maxEInvoiceNumber = 99_999_999

// The values of EInvoice.Kind and EInvoice.Status; the PostgreSQL store's
// CHECK constraints list the same.
var (
	einvoiceKinds    = []string{"original", "adjustment", "replacement"}
	einvoiceStatuses = []string{"draft", "signed", "sent", "accepted", "rejected"}
)

type einvoices struct{ t *tx }

// cloneEInvoice copies the slices of e, so neither the caller nor the store
// sees the other's later writes. An empty XML is none, as the PostgreSQL
// store reads it back.
func cloneEInvoice(e storage.EInvoice) storage.EInvoice {
	e.DocumentIDs = slices.Clone(e.DocumentIDs)
	e.XML = cloneXML(e.XML)
	return e
}

func cloneXML(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// validEInvoiceStatus checks what Update may change: the same text rules as
// the PostgreSQL store, so both refuse the same records.
func validEInvoiceStatus(e storage.EInvoice) error {
	switch {
	case !slices.Contains(einvoiceStatuses, e.Status):
		return fmt.Errorf("memory: e-invoice %q: status %q is not one of %v: %w", e.ID, e.Status, einvoiceStatuses, storage.ErrInvalidRecord)
	case !usageText(e.ProviderRef) || !usageText(e.AuthorityCode) || !usageText(e.LookupCode) || !usageText(e.Reason) ||
		!usageText(e.ReplacedByID):
		return fmt.Errorf("memory: e-invoice %q: text must be UTF-8 without NUL bytes: %w", e.ID, storage.ErrInvalidRecord)
	}
	return nil
}

// validEInvoice checks e against the contract of storage.EInvoices.Create.
func validEInvoice(e storage.EInvoice) error {
	switch {
	case e.ID == "" || e.AccountID == "" || e.Source == "" || e.Series == "":
		return fmt.Errorf("memory: e-invoice %q: id, account, source and series are required: %w", e.ID, storage.ErrInvalidRecord)
	case !slices.Contains(einvoiceKinds, e.Kind):
		return fmt.Errorf("memory: e-invoice %q: kind %q is not one of %v: %w", e.ID, e.Kind, einvoiceKinds, storage.ErrInvalidRecord)
	case len(e.DocumentIDs) == 0 || slices.Contains(e.DocumentIDs, ""):
		return fmt.Errorf("memory: e-invoice %q: at least one document, none empty: %w", e.ID, storage.ErrInvalidRecord)
	case e.Number < 1 || e.Number > maxEInvoiceNumber:
		return fmt.Errorf("memory: e-invoice %q: number %d outside 1–%d: %w", e.ID, e.Number, maxEInvoiceNumber, storage.ErrInvalidRecord)
	case e.IssuedAt.IsZero():
		return fmt.Errorf("memory: e-invoice %q: no date of issue: %w", e.ID, storage.ErrInvalidRecord)
	case !usageText(e.ID) || !usageText(e.AccountID) || !usageText(e.Source) || !usageText(e.Series) || !usageText(e.RelatedID) ||
		slices.ContainsFunc(e.DocumentIDs, func(s string) bool { return !usageText(s) }):
		return fmt.Errorf("memory: e-invoice %q: text must be UTF-8 without NUL bytes: %w", e.ID, storage.ErrInvalidRecord)
	}
	return validEInvoiceStatus(e)
}

// Create checks every key before writing any, so a refused e-invoice leaves
// the transaction as it was.
func (r einvoices) Create(ctx context.Context, e storage.EInvoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if err := validEInvoice(e); err != nil {
		return err
	}
	s := &r.t.data.einvoices
	source, number := einvoiceSource{e.AccountID, e.Source}, einvoiceNumber{e.Series, e.Number}
	if _, ok := s.byID[e.ID]; ok {
		return fmt.Errorf("memory: e-invoice %q: %w", e.ID, storage.ErrDuplicate)
	}
	if _, ok := s.bySource[source]; ok {
		return fmt.Errorf("memory: e-invoice of source %q: %w", e.Source, storage.ErrDuplicate)
	}
	if _, ok := s.byNumber[number]; ok {
		return fmt.Errorf("memory: e-invoice number %s/%d: %w", e.Series, e.Number, storage.ErrDuplicate)
	}
	put(r.t, s.byID, e.ID, cloneEInvoice(e))
	put(r.t, s.bySource, source, e.ID)
	put(r.t, s.byNumber, number, e.ID)
	appendTo(r.t, s.byAccount, e.AccountID, e.ID)
	// A document named twice in one e-invoice is filed once.
	for i, doc := range e.DocumentIDs {
		if !slices.Contains(e.DocumentIDs[:i], doc) {
			appendTo(r.t, s.byDocument, einvoiceSource{e.AccountID, doc}, e.ID)
		}
	}
	return nil
}

func (r einvoices) Get(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.EInvoice{}, err
	}
	e, ok := r.t.data.einvoices.byID[id]
	if !ok || e.AccountID != accountID {
		return storage.EInvoice{}, fmt.Errorf("memory: e-invoice %q: %w", id, storage.ErrNotFound)
	}
	return cloneEInvoice(e), nil
}

// GetForUpdate is Get: transactions of this store run one after the other,
// so the e-invoice stays as read until this one ends.
func (r einvoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.EInvoice, error) {
	return r.Get(ctx, accountID, id)
}

func (r einvoices) BySource(ctx context.Context, accountID, source string) (storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.EInvoice{}, err
	}
	id, ok := r.t.data.einvoices.bySource[einvoiceSource{accountID, source}]
	if !ok {
		return storage.EInvoice{}, fmt.Errorf("memory: e-invoice of source %q: %w", source, storage.ErrNotFound)
	}
	return cloneEInvoice(r.t.data.einvoices.byID[id]), nil
}

// compareEInvoices orders e-invoices oldest first: by CreatedAt, then ID in
// byte order (PostgreSQL compares ids with COLLATE "C").
func compareEInvoices(a, b storage.EInvoice) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
}

func (r einvoices) ByDocument(ctx context.Context, accountID, documentID string) ([]storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.einvoices
	ids := s.byDocument[einvoiceSource{accountID, documentID}]
	out := make([]storage.EInvoice, 0, len(ids))
	for _, id := range ids {
		out = append(out, cloneEInvoice(s.byID[id]))
	}
	slices.SortFunc(out, compareEInvoices)
	return out, nil
}

// Update checks the new values before it looks for the e-invoice, as the
// PostgreSQL store does, then writes the mutable fields over a copy of the
// stored one.
func (r einvoices) Update(ctx context.Context, e storage.EInvoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if err := validEInvoiceStatus(e); err != nil {
		return err
	}
	s := &r.t.data.einvoices
	cur, ok := s.byID[e.ID]
	if !ok || cur.AccountID != e.AccountID {
		return fmt.Errorf("memory: e-invoice %q: %w", e.ID, storage.ErrNotFound)
	}
	cur = cloneEInvoice(cur)
	cur.Status, cur.XML = e.Status, cloneXML(e.XML)
	cur.ProviderRef, cur.AuthorityCode, cur.LookupCode, cur.Reason = e.ProviderRef, e.AuthorityCode, e.LookupCode, e.Reason
	cur.ReplacedByID, cur.UpdatedAt = e.ReplacedByID, e.UpdatedAt
	put(r.t, s.byID, e.ID, cur)
	return nil
}

// List sorts the account's e-invoices on every call; memory is for tests
// and small hosts, where that is cheaper than keeping a sorted index.
func (r einvoices) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.EInvoice, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.einvoices
	var cursor storage.EInvoice
	if afterID != "" {
		c, ok := s.byID[afterID]
		if !ok || c.AccountID != accountID {
			return nil, fmt.Errorf("memory: e-invoice cursor %q: %w", afterID, storage.ErrNotFound)
		}
		cursor = c
	}
	var all []storage.EInvoice
	for _, id := range s.byAccount[accountID] {
		if e := s.byID[id]; afterID == "" || compareEInvoices(e, cursor) < 0 {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b storage.EInvoice) int { return compareEInvoices(b, a) })
	out := make([]storage.EInvoice, 0, min(len(all), limit))
	for _, e := range all[:min(len(all), limit)] {
		out = append(out, cloneEInvoice(e))
	}
	return out, nil
}
