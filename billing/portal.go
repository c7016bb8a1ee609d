package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/internal/core"
	"github.com/cloudbill/cloudbill/invoice"
	"github.com/cloudbill/cloudbill/storage"
)

// DefaultPageSize is how many items a list returns when it is asked for 0.
const DefaultPageSize = 100

// checkLimit validates a page size, turning 0 into DefaultPageSize.
func checkLimit(limit *int) error {
	if *limit == 0 {
		*limit = DefaultPageSize
	}
	if *limit < 1 || *limit > 1000 {
		return &RequestError{Field: "limit", Reason: fmt.Sprintf("%d is outside 1–1000", *limit)}
	}
	return nil
}

// Order returns one of the account's orders, or ErrOrderNotFound.
func (s *System) Order(ctx context.Context, accountID, id string) (_ Order, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Order")
	defer op.End(&err)
	var out Order
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		o, err := tx.Orders().Get(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, ErrOrderNotFound, id)
		}
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		out, err = orderView(o, s.env.Zone(acct))
		return err
	})
	return out, err
}

// OrderResources returns the resources an order bought, in order.
func (s *System) OrderResources(ctx context.Context, accountID, orderID string) (_ []Resource, err error) {
	ctx, op := s.env.Tel.Start(ctx, "OrderResources")
	defer op.End(&err)
	var out []Resource
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		list, err := tx.Resources().ListByOrder(ctx, accountID, orderID)
		if err != nil {
			return err
		}
		out, err = s.resourceViews(acct, list)
		return err
	})
	return out, err
}

// Resource returns one of the account's resources with its billing status,
// or ErrResourceNotFound (also for another account's resource).
func (s *System) Resource(ctx context.Context, accountID, id string) (_ Resource, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Resource")
	defer op.End(&err)
	var out Resource
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		if err != nil {
			return err
		}
		r, err := tx.Resources().Get(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, ErrResourceNotFound, id)
		}
		views, err := s.resourceViews(acct, []storage.Resource{r})
		if err == nil {
			out = views[0]
		}
		return err
	})
	return out, err
}

// Resources returns a page of the account's resources in the order they
// were bought (see ListRequest for paging; a cursor is a resource id), each
// with its billing status (good / warning / alerted / expired): the
// portal's resource list.
func (s *System) Resources(ctx context.Context, req ListRequest) (_ Page[Resource], err error) {
	ctx, op := s.env.Tel.Start(ctx, "Resources")
	defer op.End(&err)
	if err := req.check(false); err != nil {
		return Page[Resource]{}, err
	}
	var out []Resource
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		list, err := tx.Resources().List(ctx, req.AccountID, req.After, req.Limit)
		if err != nil {
			return cursorNotFound(err, ErrResourceNotFound, req.After)
		}
		out, err = s.resourceViews(acct, list)
		return err
	})
	if err != nil {
		return Page[Resource]{}, err
	}
	return pageOf(out, req.Limit, func(r Resource) string { return r.ID }), nil
}

func (s *System) resourceViews(acct Account, list []storage.Resource) ([]Resource, error) {
	now := s.env.Now()
	out := make([]Resource, 0, len(list))
	for _, r := range list {
		d := r.ResourceDetail
		out = append(out, resourceView(r, d, s.env.Rules(acct, r.ProductID), now))
	}
	return out, nil
}

// Invoice returns one of the account's invoices or credit notes with its
// lines, or ErrInvoiceNotFound; like Invoices and OpenInvoices, it shows
// its times in the account's billing time zone (Account.TimeZone).
func (s *System) Invoice(ctx context.Context, accountID, id string) (_ invoice.Invoice, err error) {
	ctx, op := s.env.Tel.Start(ctx, "Invoice")
	defer op.End(&err)
	var out invoice.Invoice
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		rec, err := tx.Invoices().Get(ctx, accountID, id)
		if err != nil {
			return core.MapNotFound(err, ErrInvoiceNotFound, id)
		}
		acct, err := core.GetAccount(ctx, tx, accountID, false)
		out = core.InvoiceInZone(rec.Invoice, s.env.Zone(acct))
		return err
	})
	return out, err
}

// Invoices returns a page of the account's invoices and credit notes,
// newest first (see ListRequest for paging; a cursor is an invoice id);
// with ResourceID set, only that resource's.
func (s *System) Invoices(ctx context.Context, req ListRequest) (_ Page[invoice.Invoice], err error) {
	ctx, op := s.env.Tel.Start(ctx, "Invoices")
	defer op.End(&err)
	if err := req.check(true); err != nil {
		return Page[invoice.Invoice]{}, err
	}
	var out []invoice.Invoice
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		acct, err := core.GetAccount(ctx, tx, req.AccountID, false)
		if err != nil {
			return err
		}
		list, err := tx.Invoices().List(ctx, req.AccountID, req.ResourceID, req.After, req.Limit)
		if err != nil {
			return cursorNotFound(err, ErrInvoiceNotFound, req.After)
		}
		out = out[:0]
		loc := s.env.Zone(acct)
		for _, rec := range list {
			out = append(out, core.InvoiceInZone(rec.Invoice, loc))
		}
		return nil
	})
	if err != nil {
		return Page[invoice.Invoice]{}, err
	}
	return pageOf(out, req.Limit, func(inv invoice.Invoice) string { return inv.ID }), nil
}

// ActionEntry is one entry of the action log: who did what to a resource.
type ActionEntry struct {
	Seq        int64  `json:"seq"`
	ID         string `json:"id"`
	ResourceID string `json:"resource_id"`
	// Kind is what was done (invoice.ActionCreate, ActionRenew, …).
	Kind   invoice.ActionKind `json:"kind"`
	Actor  string             `json:"actor"`
	At     time.Time          `json:"at"`
	Detail json.RawMessage    `json:"detail"`
}

// Actions returns a page of the account's action-log entries, oldest
// first (see ListRequest for paging); with ResourceID set, only that
// resource's.
func (s *System) Actions(ctx context.Context, req ListRequest) (_ Page[ActionEntry], err error) {
	ctx, op := s.env.Tel.Start(ctx, "Actions")
	defer op.End(&err)
	if err := req.check(true); err != nil {
		return Page[ActionEntry]{}, err
	}
	after, err := seqCursor(req.After)
	if err != nil {
		return Page[ActionEntry]{}, err
	}
	var out []ActionEntry
	err = s.env.Store.InTx(ctx, func(ctx context.Context, tx storage.Tx) error {
		if _, err := core.GetAccount(ctx, tx, req.AccountID, false); err != nil {
			return err
		}
		list, err := tx.Actions().List(ctx, req.AccountID, req.ResourceID, after, req.Limit)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, a := range list {
			detail, err := json.Marshal(a.Action)
			if err != nil {
				return err
			}
			out = append(out, ActionEntry{Seq: a.Seq, ID: a.ID, ResourceID: a.ResourceID, Kind: a.Kind, Actor: a.Actor, At: a.At, Detail: detail})
		}
		return nil
	})
	if err != nil {
		return Page[ActionEntry]{}, err
	}
	return pageOf(out, req.Limit, func(a ActionEntry) string { return seqNext(a.Seq) }), nil
}
