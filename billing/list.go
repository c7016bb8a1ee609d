package billing

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/cloudbill/cloudbill/storage"
)

// ListRequest asks for one page of one of an account's lists: Resources,
// Payments, Invoices, Actions, Events, WalletHistory and AuditTrail all
// take one and answer a Page. Every list pages the same way: ask with
// After "" for the first page, then with the Page's Next until Next is "".
type ListRequest struct {
	// AccountID is the account whose list it is. Required.
	AccountID string `json:"account_id"`
	// ResourceID narrows Invoices and Actions to one resource of the
	// account; the other lists refuse it.
	ResourceID string `json:"resource_id,omitempty"`
	// After is where the page starts: "" for the first page, else the Next
	// of the page before. A cursor is opaque: pass back what a Page gave,
	// and only to the list that gave it.
	After string `json:"after,omitempty"`
	// Limit is the most items the page holds, 1–1000; 0 means
	// DefaultPageSize.
	Limit int `json:"limit,omitempty"`
}

// Page is one page of a list, in the list's order.
type Page[T any] struct {
	// Items are the page's items; none past the end of the list.
	Items []T `json:"items"`
	// Next is the cursor of the page after this one (ListRequest.After),
	// set when this page is full; "" when the list ends here. A full page
	// that happens to hold the last items has a Next whose page is empty.
	Next string `json:"next,omitempty"`
}

// check validates a list request and turns a zero Limit into
// DefaultPageSize; byResource says the list may be narrowed to a resource.
func (r *ListRequest) check(byResource bool) error {
	var c requestCheck
	c.accountID("AccountID", r.AccountID)
	if byResource {
		c.ref("ResourceID", r.ResourceID, false)
	} else if r.ResourceID != "" {
		c.fail("ResourceID", "does not narrow this list (only Invoices and Actions take one)")
	}
	if c.err == nil && len(r.After) > MaxIDBytes {
		c.fail("After", "is not a cursor of this list")
	}
	if c.err != nil {
		return c.err
	}
	if r.Limit == 0 {
		r.Limit = DefaultPageSize
	}
	if r.Limit < 1 || r.Limit > 1000 {
		return &RequestError{Field: "Limit", Reason: strconv.Itoa(r.Limit) + " is outside 1–1000"}
	}
	return nil
}

// seqCursor reads the cursor of a list ordered by sequence number: ""
// is the start (0), anything else the decimal sequence number a Page gave.
func seqCursor(after string) (int64, error) {
	if after == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(after, 10, 64)
	if err != nil || n < 0 {
		return 0, &RequestError{Field: "After", Reason: "is not a cursor of this list"}
	}
	return n, nil
}

// seqNext is the cursor after sequence number seq.
func seqNext(seq int64) string { return strconv.FormatInt(seq, 10) }

// pageOf makes the page of items read with limit: a full page's Next is
// the cursor of its last item.
func pageOf[T any](items []T, limit int, cursor func(T) string) Page[T] {
	p := Page[T]{Items: items}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(items) > 0 && len(items) >= limit {
		p.Next = cursor(items[len(items)-1])
	}
	return p
}

// cursorNotFound turns the store's "no item after which to list" into a
// *RequestError for the After field that also matches target (the list's
// not-found error) with errors.Is.
func cursorNotFound(err, target error, after string) error {
	if errors.Is(err, storage.ErrNotFound) {
		return &RequestError{Field: "After", Reason: "is not a cursor of this list", Err: fmt.Errorf("%w: %q", target, after)}
	}
	return err
}
