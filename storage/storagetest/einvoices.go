package storagetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cloudbill/cloudbill/storage"
)

// einvoiceSeries is the series the tests number e-invoices in.
const einvoiceSeries = "1C26TAA"

// newEInvoice is a draft original e-invoice of acct stating docs, created
// at created.
func newEInvoice(acct, id, source string, number int64, created time.Time, docs ...string) storage.EInvoice {
	return storage.EInvoice{ID: id, AccountID: acct, Source: source, Kind: "original", DocumentIDs: docs,
		Series: einvoiceSeries, Number: number, IssuedAt: created, Status: "draft", CreatedAt: created, UpdatedAt: created}
}

// einvoiceIDs gives the ids of es, to compare orders.
func einvoiceIDs(es []storage.EInvoice) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// testEInvoices checks the e-invoice repository: every field kept, the
// lookups by source and by document, Update changing only what may change,
// paging, the three unique keys, validation, tenant scoping, concurrency
// and rollback.
func (s suite) testEInvoices(t *testing.T) {
	at := func(m int) time.Time { return epoch().Add(time.Duration(m) * time.Minute) }

	t.Run("Create then Get, GetForUpdate and BySource give back every field", func(t *testing.T) {
		st := s.newStore(t)
		full := storage.EInvoice{ID: "ei-2", AccountID: "a", Source: "replace:ei-1", Kind: "replacement",
			DocumentIDs: []string{"inv-1", "cn-1"}, Series: "2C26TBB", Number: 99_999_999, IssuedAt: at(-60),
			RelatedID: "ei-1", Status: "accepted", XML: []byte("<HDon><DLHDon Id=\"x\"/></HDon>"), ProviderRef: "prov-77",
			AuthorityCode: "M1-26-ABCDE", LookupCode: "LK9", Reason: "", ReplacedByID: "ei-3",
			CreatedAt: at(-61).Add(123 * time.Microsecond), UpdatedAt: at(-1)}
		bare := newEInvoice("a", "ei-1", "invoice:inv-1", 1, at(-120), "inv-1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.EInvoices().Create(ctx, full))
			return tx.EInvoices().Create(ctx, bare)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, want := range []storage.EInvoice{full, bare} {
				got, err := tx.EInvoices().Get(ctx, "a", want.ID)
				require.NoError(t, err)
				assertSame(t, want, got)
				got, err = tx.EInvoices().GetForUpdate(ctx, "a", want.ID)
				require.NoError(t, err)
				assertSame(t, want, got)
				got, err = tx.EInvoices().BySource(ctx, "a", want.Source)
				require.NoError(t, err)
				assertSame(t, want, got)
			}
			got, err := tx.EInvoices().Get(ctx, "a", "ei-1")
			require.NoError(t, err)
			assert.Empty(t, got.XML, "no XML reads back as none")
			assert.Equal(t, time.UTC, got.CreatedAt.Location())
			return nil
		})
	})

	t.Run("values given and read back are copies", func(t *testing.T) {
		st := s.newStore(t)
		e := newEInvoice("a", "ei-1", "invoice:inv-1", 1, at(0), "inv-1", "inv-2")
		e.XML = []byte("<HDon/>")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.EInvoices().Create(ctx, e))
			e.DocumentIDs[0], e.XML[1] = "changed", 'X'
			got, err := tx.EInvoices().Get(ctx, "a", "ei-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"inv-1", "inv-2"}, got.DocumentIDs, "the caller's slice is not shared")
			assert.Equal(t, "<HDon/>", string(got.XML))
			got.DocumentIDs[1], got.XML[1] = "changed", 'Y'
			for _, read := range []func() (storage.EInvoice, error){
				func() (storage.EInvoice, error) { return tx.EInvoices().Get(ctx, "a", "ei-1") },
				func() (storage.EInvoice, error) { return tx.EInvoices().BySource(ctx, "a", "invoice:inv-1") },
			} {
				again, err := read()
				require.NoError(t, err)
				assert.Equal(t, []string{"inv-1", "inv-2"}, again.DocumentIDs, "a returned slice is not shared")
				assert.Equal(t, "<HDon/>", string(again.XML))
			}
			upd, err := tx.EInvoices().Get(ctx, "a", "ei-1")
			require.NoError(t, err)
			upd.Status, upd.XML = "signed", []byte("<HDon>signed</HDon>")
			require.NoError(t, tx.EInvoices().Update(ctx, upd))
			upd.XML[1] = 'Z'
			list, err := tx.EInvoices().List(ctx, "a", "", 10)
			require.NoError(t, err)
			require.Len(t, list, 1)
			assert.Equal(t, "<HDon>signed</HDon>", string(list[0].XML), "Update's slice is not shared")
			list[0].XML[1] = 'W'
			byDoc, err := tx.EInvoices().ByDocument(ctx, "a", "inv-2")
			require.NoError(t, err)
			require.Len(t, byDoc, 1)
			assert.Equal(t, "<HDon>signed</HDon>", string(byDoc[0].XML), "List's slice is not shared")
			return nil
		})
	})

	t.Run("ByDocument gives every e-invoice stating the document, oldest first", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			// Created out of order; e2 and e3 at the same instant are
			// ordered by id.
			adjust := newEInvoice("a", "e3", "credit:cn-1", 3, at(5), "cn-1", "inv-1")
			adjust.Kind, adjust.RelatedID = "adjustment", "e1"
			for _, e := range []storage.EInvoice{
				adjust,
				newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1"),
				newEInvoice("a", "e2", "order:o-1", 2, at(5), "inv-1", "inv-2", "inv-1"),
				newEInvoice("a", "e4", "invoice:inv-9", 4, at(1), "inv-9"),
				newEInvoice("b", "e5", "invoice:inv-1", 5, at(0), "inv-1"),
				// Ids compare in byte order, where "Z" is before "a".
				newEInvoice("a", "a1", "invoice:inv-case-1", 6, at(7), "inv-case"),
				newEInvoice("a", "Z1", "invoice:inv-case-2", 7, at(7), "inv-case"),
			} {
				if err := tx.EInvoices().Create(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for doc, want := range map[string][]string{
				"inv-1": {"e1", "e2", "e3"}, "inv-2": {"e2"}, "cn-1": {"e3"}, "inv-9": {"e4"}, "inv-case": {"Z1", "a1"},
				"inv-404": {}, "": {},
			} {
				got, err := tx.EInvoices().ByDocument(ctx, "a", doc)
				require.NoError(t, err)
				assert.NotNil(t, got, "none is an empty slice")
				assert.Equal(t, want, einvoiceIDs(got), "document %q", doc)
			}
			got, err := tx.EInvoices().ByDocument(ctx, "b", "inv-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"e5"}, einvoiceIDs(got), "only the account's own")
			got, err = tx.EInvoices().ByDocument(ctx, "c", "inv-1")
			require.NoError(t, err)
			assert.Empty(t, got)
			return nil
		})
	})

	t.Run("Update changes only the status, the XML, the codes, the replacement and UpdatedAt", func(t *testing.T) {
		st := s.newStore(t)
		orig := newEInvoice("a", "e1", "invoice:inv-1", 7, at(0), "inv-1")
		orig.XML = []byte("<HDon>unsigned</HDon>")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.EInvoices().Create(ctx, orig) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			e, err := tx.EInvoices().GetForUpdate(ctx, "a", "e1")
			require.NoError(t, err)
			e.Status, e.XML, e.ProviderRef, e.AuthorityCode = "rejected", []byte("<HDon>signed</HDon>"), "p-1", "M1"
			e.LookupCode, e.Reason, e.ReplacedByID, e.UpdatedAt = "L1", "wrong tax code", "e9", at(30)
			// Everything else is fixed at issue and is not written.
			e.Source, e.Kind, e.DocumentIDs, e.Series, e.Number = "invoice:other", "adjustment", []string{"x"}, "9C99ZZZ", 8
			e.IssuedAt, e.RelatedID, e.CreatedAt = at(99), "e0", at(99)
			return tx.EInvoices().Update(ctx, e)
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			want := orig
			want.Status, want.XML, want.ProviderRef, want.AuthorityCode = "rejected", []byte("<HDon>signed</HDon>"), "p-1", "M1"
			want.LookupCode, want.Reason, want.ReplacedByID, want.UpdatedAt = "L1", "wrong tax code", "e9", at(30)
			got, err := tx.EInvoices().Get(ctx, "a", "e1")
			require.NoError(t, err)
			assertSame(t, want, got)
			got, err = tx.EInvoices().BySource(ctx, "a", "invoice:inv-1")
			require.NoError(t, err)
			assertSame(t, want, got)
			_, err = tx.EInvoices().BySource(ctx, "a", "invoice:other")
			assert.ErrorIs(t, err, storage.ErrNotFound)
			byDoc, err := tx.EInvoices().ByDocument(ctx, "a", "x")
			require.NoError(t, err)
			assert.Empty(t, byDoc, "the documents stay those it was created with")
			// The number stays taken by e1; the number Update was given is free.
			taken := newEInvoice("b", "e2", "invoice:inv-2", 7, at(1), "inv-2")
			assert.ErrorIs(t, tx.EInvoices().Create(ctx, taken), storage.ErrDuplicate)
			taken.Series, taken.Number = "9C99ZZZ", 8
			assert.NoError(t, tx.EInvoices().Create(ctx, taken))
			// Clearing the codes clears them.
			got.ProviderRef, got.Reason, got.XML, got.Status = "", "", nil, "draft"
			require.NoError(t, tx.EInvoices().Update(ctx, got))
			back, err := tx.EInvoices().Get(ctx, "a", "e1")
			require.NoError(t, err)
			assertSame(t, got, back)
			return nil
		})
	})

	t.Run("Update of a missing or another tenant's e-invoice is not found; a bad status is refused", func(t *testing.T) {
		st := s.newStore(t)
		orig := newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.EInvoices().Create(ctx, orig) })
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, k := range []struct{ acct, id string }{{"b", "e1"}, {"a", "e2"}, {"", "e1"}, {"a", ""}, {"a", "e1\x00"}} {
				e := orig
				e.AccountID, e.ID, e.Status = k.acct, k.id, "sent"
				assert.ErrorIs(t, tx.EInvoices().Update(ctx, e), storage.ErrNotFound, "%+v", k)
			}
			for name, mut := range map[string]func(*storage.EInvoice){
				"empty status":          func(e *storage.EInvoice) { e.Status = "" },
				"unknown status":        func(e *storage.EInvoice) { e.Status = "cancelled" },
				"NUL in reason":         func(e *storage.EInvoice) { e.Reason = "bad\x00" },
				"invalid UTF-8 in code": func(e *storage.EInvoice) { e.AuthorityCode = "\xff" },
			} {
				e := orig
				e.Status = "sent"
				mut(&e)
				assert.ErrorIs(t, tx.EInvoices().Update(ctx, e), storage.ErrInvalidRecord, name)
			}
			// The refusals left the transaction usable and the record as it was.
			got, err := tx.EInvoices().Get(ctx, "a", "e1")
			require.NoError(t, err)
			assertSame(t, orig, got)
			return nil
		})
	})

	t.Run("List pages the tenant's e-invoices newest first", func(t *testing.T) {
		st := s.newStore(t)
		// Seven e-invoices, created out of order; e3, e4 and e5 share an
		// instant and go by id descending.
		created := map[string]int{"e0": 0, "e1": 1, "e2": 2, "e3": 3, "e4": 3, "e5": 3, "e6": 9}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for i, id := range []string{"e4", "e6", "e0", "e5", "e2", "e3", "e1"} {
				if err := tx.EInvoices().Create(ctx, newEInvoice("a", id, "invoice:"+id, int64(i+1), at(created[id]), "inv-"+id)); err != nil {
					return err
				}
			}
			return tx.EInvoices().Create(ctx, newEInvoice("b", "x1", "invoice:x1", 100, at(5), "inv-x1"))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			var got []string
			after := ""
			for range 10 {
				page, err := tx.EInvoices().List(ctx, "a", after, 3)
				require.NoError(t, err)
				got = append(got, einvoiceIDs(page)...)
				if len(page) < 3 {
					break
				}
				after = page[len(page)-1].ID
			}
			assert.Equal(t, []string{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}, got, "by CreatedAt, then ID, descending")
			// Ids compare in byte order, where "Z" is before "a".
			require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("a", "Z9", "invoice:Z9", 50, at(20), "inv-Z9")))
			require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("a", "a9", "invoice:a9", 51, at(20), "inv-a9")))
			top, err := tx.EInvoices().List(ctx, "a", "", 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"a9", "Z9"}, einvoiceIDs(top))
			next, err := tx.EInvoices().List(ctx, "a", "a9", 2)
			require.NoError(t, err)
			assert.Equal(t, []string{"Z9", "e6"}, einvoiceIDs(next))
			last, err := tx.EInvoices().List(ctx, "a", "e0", 3)
			require.NoError(t, err)
			assert.Empty(t, last, "nothing after the oldest")
			all, err := tx.EInvoices().List(ctx, "a", "", 1000)
			require.NoError(t, err)
			assert.Len(t, all, 9)
			none, err := tx.EInvoices().List(ctx, "c", "", 10)
			require.NoError(t, err)
			assert.Empty(t, none)
			for _, limit := range []int{0, -1, 1001} {
				_, err := tx.EInvoices().List(ctx, "a", "", limit)
				assert.ErrorIs(t, err, storage.ErrInvalidRecord, "limit %d", limit)
			}
			for _, cursor := range []string{"x1", "nope", "e\x00"} {
				_, err := tx.EInvoices().List(ctx, "a", cursor, 10)
				assert.ErrorIs(t, err, storage.ErrNotFound, "cursor %q is not one of the tenant's", cursor)
			}
			return nil
		})
	})

	t.Run("an id, a source of the account or a number of the series already taken is a duplicate", func(t *testing.T) {
		st := s.newStore(t)
		first := newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1")
		first.XML = []byte("<HDon/>")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.EInvoices().Create(ctx, first) })
		dups := map[string]storage.EInvoice{
			"the same id":                          newEInvoice("a", "e1", "invoice:inv-2", 2, at(1), "inv-2"),
			"the same id in another account":       newEInvoice("b", "e1", "invoice:inv-2", 2, at(1), "inv-2"),
			"the same source in the account":       newEInvoice("a", "e2", "invoice:inv-1", 2, at(1), "inv-2"),
			"the same series and number":           newEInvoice("a", "e2", "invoice:inv-2", 1, at(1), "inv-2"),
			"the same number in another account":   newEInvoice("b", "e2", "invoice:inv-2", 1, at(1), "inv-2"),
			"every key taken at once":              first,
			"the same source and number elsewhere": newEInvoice("b", "e2", "invoice:inv-1", 1, at(1), "inv-1"),
		}
		for name, e := range dups {
			inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
				assert.ErrorIs(t, tx.EInvoices().Create(ctx, e), storage.ErrDuplicate, name)
				// The transaction is still usable and commits.
				_, err := tx.EInvoices().Get(ctx, "a", "e1")
				return err
			})
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.EInvoices().Get(ctx, "a", "e1")
			require.NoError(t, err)
			assertSame(t, first, got)
			for _, acct := range []string{"a", "b"} {
				list, err := tx.EInvoices().List(ctx, acct, "", 10)
				require.NoError(t, err)
				assert.Len(t, list, map[string]int{"a": 1, "b": 0}[acct], "account %s", acct)
			}
			// What is not taken: the same source in another account, the
			// same number in another series.
			require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("b", "e2", "invoice:inv-1", 2, at(1), "inv-1")))
			other := newEInvoice("a", "e3", "invoice:inv-3", 1, at(1), "inv-3")
			other.Series = "1C26TAB"
			return tx.EInvoices().Create(ctx, other)
		})
	})

	t.Run("invalid e-invoices are refused and nothing is stored", func(t *testing.T) {
		st := s.newStore(t)
		valid := func(mut func(e *storage.EInvoice)) storage.EInvoice {
			e := newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1")
			mut(&e)
			return e
		}
		bad := map[string]storage.EInvoice{
			"no id":                    valid(func(e *storage.EInvoice) { e.ID = "" }),
			"no account":               valid(func(e *storage.EInvoice) { e.AccountID = "" }),
			"no source":                valid(func(e *storage.EInvoice) { e.Source = "" }),
			"no kind":                  valid(func(e *storage.EInvoice) { e.Kind = "" }),
			"an unknown kind":          valid(func(e *storage.EInvoice) { e.Kind = "Original" }),
			"no series":                valid(func(e *storage.EInvoice) { e.Series = "" }),
			"no status":                valid(func(e *storage.EInvoice) { e.Status = "" }),
			"an unknown status":        valid(func(e *storage.EInvoice) { e.Status = "issued" }),
			"no documents":             valid(func(e *storage.EInvoice) { e.DocumentIDs = nil }),
			"an empty document list":   valid(func(e *storage.EInvoice) { e.DocumentIDs = []string{} }),
			"an empty document id":     valid(func(e *storage.EInvoice) { e.DocumentIDs = []string{"inv-1", ""} }),
			"number 0":                 valid(func(e *storage.EInvoice) { e.Number = 0 }),
			"number -1":                valid(func(e *storage.EInvoice) { e.Number = -1 }),
			"number 100,000,000":       valid(func(e *storage.EInvoice) { e.Number = 100_000_000 }),
			"no date of issue":         valid(func(e *storage.EInvoice) { e.IssuedAt = time.Time{} }),
			"NUL in the source":        valid(func(e *storage.EInvoice) { e.Source = "invoice:\x00" }),
			"NUL in the id":            valid(func(e *storage.EInvoice) { e.ID = "e\x001" }),
			"invalid UTF-8 in a doc":   valid(func(e *storage.EInvoice) { e.DocumentIDs = []string{"\xff"} }),
			"NUL in the related id":    valid(func(e *storage.EInvoice) { e.RelatedID = "\x00" }),
			"invalid UTF-8 in reason":  valid(func(e *storage.EInvoice) { e.Reason = "\xfe" }),
			"NUL in the lookup code":   valid(func(e *storage.EInvoice) { e.LookupCode = "\x00" }),
			"invalid UTF-8 in series":  valid(func(e *storage.EInvoice) { e.Series = "1C26\xff" }),
			"NUL in the provider ref":  valid(func(e *storage.EInvoice) { e.ProviderRef = "p\x00" }),
			"NUL in the replacement":   valid(func(e *storage.EInvoice) { e.ReplacedByID = "\x00" }),
			"invalid UTF-8 in account": valid(func(e *storage.EInvoice) { e.AccountID = "\xff" }),
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for name, e := range bad {
				assert.ErrorIs(t, tx.EInvoices().Create(ctx, e), storage.ErrInvalidRecord, name)
			}
			// The bounds are accepted, and the transaction is still
			// usable after the refusals.
			for i, kind := range []string{"original", "adjustment", "replacement"} {
				e := valid(func(e *storage.EInvoice) {
					e.ID, e.Source, e.Kind, e.Number = fmt.Sprintf("k%d", i), "kind:"+kind, kind, int64(i+1)
				})
				require.NoError(t, tx.EInvoices().Create(ctx, e), kind)
			}
			for i, status := range []string{"draft", "signed", "sent", "accepted", "rejected"} {
				e := valid(func(e *storage.EInvoice) {
					e.ID, e.Source, e.Status, e.Number = fmt.Sprintf("s%d", i), "status:"+status, status, int64(10+i)
				})
				require.NoError(t, tx.EInvoices().Create(ctx, e), status)
			}
			return tx.EInvoices().Create(ctx, valid(func(e *storage.EInvoice) { e.Number = 99_999_999 }))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			list, err := tx.EInvoices().List(ctx, "a", "", 100)
			require.NoError(t, err)
			assert.Len(t, list, 9, "the 3 kinds, the 5 statuses and the largest number; none of the refused")
			return nil
		})
	})

	t.Run("another tenant's e-invoice is not found", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.EInvoices().Create(ctx, newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1"))
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			for _, acct := range []string{"b", "", "A", "a\x00"} {
				_, err := tx.EInvoices().Get(ctx, acct, "e1")
				assert.ErrorIs(t, err, storage.ErrNotFound, "Get as %q", acct)
				_, err = tx.EInvoices().GetForUpdate(ctx, acct, "e1")
				assert.ErrorIs(t, err, storage.ErrNotFound, "GetForUpdate as %q", acct)
				_, err = tx.EInvoices().BySource(ctx, acct, "invoice:inv-1")
				assert.ErrorIs(t, err, storage.ErrNotFound, "BySource as %q", acct)
				byDoc, err := tx.EInvoices().ByDocument(ctx, acct, "inv-1")
				require.NoError(t, err)
				assert.Empty(t, byDoc, "ByDocument as %q", acct)
				list, err := tx.EInvoices().List(ctx, acct, "", 10)
				require.NoError(t, err)
				assert.Empty(t, list, "List as %q", acct)
			}
			for _, id := range []string{"e2", "", "\xff"} {
				_, err := tx.EInvoices().Get(ctx, "a", id)
				assert.ErrorIs(t, err, storage.ErrNotFound, "Get %q", id)
				_, err = tx.EInvoices().BySource(ctx, "a", id)
				assert.ErrorIs(t, err, storage.ErrNotFound, "BySource %q", id)
			}
			return nil
		})
	})

	t.Run("racing creates of one source or one number: exactly one wins", func(t *testing.T) {
		for _, race := range []struct {
			name string
			make func(i int) storage.EInvoice
		}{
			{"the same source", func(i int) storage.EInvoice {
				return newEInvoice("a", fmt.Sprintf("e%d", i), "invoice:inv-1", int64(i+1), at(i), "inv-1")
			}},
			{"the same number across accounts", func(i int) storage.EInvoice {
				return newEInvoice(fmt.Sprintf("acct-%d", i), fmt.Sprintf("e%d", i), "invoice:inv-1", 42, at(i), "inv-1")
			}},
		} {
			t.Run(race.name, func(t *testing.T) {
				st := s.newStore(t)
				n := s.opts.Parallelism
				var wins, dups atomic.Int64
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
							return tx.EInvoices().Create(ctx, race.make(i))
						})
						switch {
						case err == nil:
							wins.Add(1)
						case errors.Is(err, storage.ErrDuplicate):
							dups.Add(1)
						default:
							t.Errorf("unexpected error: %v", err)
						}
					})
				}
				wg.Wait()
				assert.Equal(t, int64(1), wins.Load())
				assert.Equal(t, int64(n-1), dups.Load())
			})
		}
	})

	t.Run("racing GetForUpdate and Update cycles are serialised: no update is lost", func(t *testing.T) {
		st := s.newStore(t)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			return tx.EInvoices().Create(ctx, newEInvoice("a", "hot", "invoice:inv-1", 1, at(0), "inv-1"))
		})
		n := s.opts.Parallelism
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
					e, err := tx.EInvoices().GetForUpdate(ctx, "a", "hot")
					if err != nil {
						return err
					}
					// The provider reference carries a counter, so a lost
					// update shows as a wrong final value.
					var c int
					if _, err := fmt.Sscanf(e.ProviderRef, "n=%d", &c); err != nil {
						c = 0
					}
					e.ProviderRef, e.UpdatedAt = fmt.Sprintf("n=%d", c+1), at(i+1)
					return tx.EInvoices().Update(ctx, e)
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			e, err := tx.EInvoices().Get(ctx, "a", "hot")
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("n=%d", n), e.ProviderRef)
			return nil
		})
	})

	t.Run("a rolled-back transaction or savepoint leaves nothing and frees its keys", func(t *testing.T) {
		st := s.newStore(t)
		keep := newEInvoice("a", "e1", "invoice:inv-1", 1, at(0), "inv-1")
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error { return tx.EInvoices().Create(ctx, keep) })
		err := st.InTx(context.Background(), func(ctx context.Context, tx storage.Tx) error {
			require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("a", "e2", "invoice:inv-2", 2, at(1), "inv-1", "inv-2")))
			e, err := tx.EInvoices().GetForUpdate(ctx, "a", "e1")
			require.NoError(t, err)
			e.Status, e.ReplacedByID = "signed", "e2"
			require.NoError(t, tx.EInvoices().Update(ctx, e))
			return errUndo
		})
		require.ErrorIs(t, err, errUndo)
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			err := tx.Savepoint(ctx, func(ctx context.Context, tx storage.Tx) error {
				require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("a", "e3", "invoice:inv-3", 3, at(2), "inv-1")))
				e, err := tx.EInvoices().Get(ctx, "a", "e1")
				require.NoError(t, err)
				e.Status = "sent"
				require.NoError(t, tx.EInvoices().Update(ctx, e))
				return errUndo
			})
			require.ErrorIs(t, err, errUndo)
			return nil
		})
		inTx(t, st, func(ctx context.Context, tx storage.Tx) error {
			got, err := tx.EInvoices().Get(ctx, "a", "e1")
			require.NoError(t, err)
			assertSame(t, keep, got)
			for _, id := range []string{"e2", "e3"} {
				_, err = tx.EInvoices().Get(ctx, "a", id)
				assert.ErrorIs(t, err, storage.ErrNotFound, id)
			}
			byDoc, err := tx.EInvoices().ByDocument(ctx, "a", "inv-1")
			require.NoError(t, err)
			assert.Equal(t, []string{"e1"}, einvoiceIDs(byDoc))
			list, err := tx.EInvoices().List(ctx, "a", "", 10)
			require.NoError(t, err)
			assert.Equal(t, []string{"e1"}, einvoiceIDs(list))
			// The ids, sources and numbers the rolled-back work used are free.
			require.NoError(t, tx.EInvoices().Create(ctx, newEInvoice("a", "e2", "invoice:inv-2", 2, at(1), "inv-2")))
			return tx.EInvoices().Create(ctx, newEInvoice("a", "e3", "invoice:inv-3", 3, at(2), "inv-3"))
		})
	})
}
