package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/invoice/postpaid"
	"github.com/cloudbill/cloudbill/lifecycle"
	"github.com/cloudbill/cloudbill/storage"
)

// resources is the storage.Resources of one transaction.
type resources struct{ t *tx }

// validResource checks in Go what the table's constraints also enforce.
func validResource(op string, res storage.Resource) error {
	switch {
	case res.ID == "" || res.AccountID == "" || res.Status == "":
		return invalid(op, "id, account and status are required")
	case !allStorable(res.ID, res.AccountID, res.OrderID, res.ProductID, string(res.Status), res.PaymentID,
		res.FailureReason, res.TickError, res.Name) || !allStorable(res.InvoiceIDs...):
		return invalid(op, "text must be UTF-8 without NUL bytes")
	case !intervalsStorable(res.Intervals):
		return invalid(op, "interval items must be UTF-8 without NUL bytes")
	case res.TickAttempts < 0:
		return invalid(op, "tick attempts must not be negative")
	}
	return nil
}

// intervalsStorable reports whether every interval's text can go into
// JSONB, which refuses the NUL character.
func intervalsStorable(ivs []postpaid.Interval) bool {
	for _, iv := range ivs {
		if !storable(iv.Item) {
			return false
		}
	}
	return true
}

// resourceArgs are the values of resourceColumns from order_id on, after
// id and account_id, up to name: the columns Create and Update write.
func resourceArgs(op string, res storage.Resource) ([]any, error) {
	cur, price, ok := moneyArgs(res.PricePer30Days)
	if !ok {
		return nil, invalid(op, "price currency must be three upper-case letters")
	}
	return []any{res.OrderID, res.ProductID, string(res.Status),
		nullTime(res.PeriodStart), nullTime(res.PeriodEnd), nullTime(res.NextDueAt),
		res.Configuration, res.Term.Months, res.Term.Days, cur, price, res.Line, nullJSON(len(res.CouponShares) > 0, res.CouponShares),
		res.PaymentID, res.AutoRenew, res.AutoRenewTerm.Months, res.AutoRenewTerm.Days, nullTime(res.Since),
		res.NextReminder, res.NextAttempt, emptyIfNone(res.InvoiceIDs), res.FailureReason, nullJSON(len(res.Value.Segments) > 0, res.Value),
		res.ValueTracked, res.TickAttempts, res.TickError, nullTime(res.TickRetryAt), nullTime(res.Anchor),
		res.Postpaid, nullJSON(len(res.Intervals) > 0, res.Intervals), nullTime(res.ClosedThrough), nullTime(res.StoppedAt),
		res.UpdatedAt, res.Name}, nil
}

func (r resources) Create(ctx context.Context, res storage.Resource) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	op := fmt.Sprintf("create resource %q", res.ID)
	if err := validResource(op, res); err != nil {
		return err
	}
	args, err := resourceArgs(op, res)
	if err != nil {
		return err
	}
	if err := r.t.create(ctx, op, r.t.s.q.resources.createResource, append([]any{res.ID, res.AccountID, res.CreatedAt}, args...)); err != nil {
		return err
	}
	if storage.WritesDeferred(ctx) && r.t.s.guarded.versionedResourceInsert != "" {
		r.t.pg.holdInsert(heldKey{r.t.s.tables.resources, res.AccountID, res.ID}, res.CreatedAt)
	}
	return nil
}

func (r resources) Get(ctx context.Context, accountID, id string) (storage.Resource, error) {
	return r.get(ctx, "get resource", r.t.s.q.resources.getResource, accountID, id)
}

// GetForUpdate matches the tenant too, so another tenant's resource is
// neither returned nor locked.
func (r resources) GetForUpdate(ctx context.Context, accountID, id string) (storage.Resource, error) {
	return r.get(ctx, "get resource for update", r.t.s.q.resources.getResourceForUpdate, accountID, id)
}

func (r resources) get(ctx context.Context, op, query, accountID, id string) (storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Resource{}, err
	}
	op = fmt.Sprintf("%s %q", op, id)
	if !possibleKey(accountID) || !possibleKey(id) {
		return storage.Resource{}, notFound(op)
	}
	return queryOne(ctx, r.t, op, query, scanResource, id, accountID)
}

// Update replaces everything but the id, the tenant and CreatedAt, and
// returns the row as stored, with the Version the database incremented.
func (r resources) Update(ctx context.Context, res storage.Resource) (storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Resource{}, err
	}
	op := fmt.Sprintf("update resource %q", res.ID)
	if !possibleKey(res.ID) || !possibleKey(res.AccountID) {
		return storage.Resource{}, notFound(op)
	}
	if err := validResource(op, res); err != nil {
		return storage.Resource{}, err
	}
	args, err := resourceArgs(op, res)
	if err != nil {
		return storage.Resource{}, err
	}
	if storage.WritesDeferred(ctx) {
		if h := r.t.pg.heldInsertOf(heldKey{r.t.s.tables.resources, res.AccountID, res.ID}); h != nil {
			// Folded into the queued insert: the row as this update
			// leaves it, created_at kept, its version the insert's 1
			// plus one per update folded in.
			h.updates++
			sql := r.t.s.guarded.versionedResourceInsert
			r.t.pg.queued[h.idx].sql = r.t.s.guarded.bySQL[sql]
			r.t.pg.queued[h.idx].args = append(append([]any{res.ID, res.AccountID, h.createdAt}, args...), int64(1+h.updates))
			res.Version++
			return res, nil
		}
	}
	args = append([]any{res.ID, res.AccountID}, args...)
	if storage.WritesDeferred(ctx) {
		// Held back: what comes back is res as the update stores it,
		// its Version the one read plus one.
		if err := r.t.update(ctx, op, r.t.s.q.resources.updateResourceQuiet, args); err != nil {
			return storage.Resource{}, err
		}
		res.Version++
		return res, nil
	}
	return queryOne(ctx, r.t, op, r.t.s.q.resources.updateResource, scanResource, args...)
}

// List pages by seq, the order in which Create inserted the rows.
func (r resources) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("resource list", limit); err != nil {
		return nil, err
	}
	const op = "list resources"
	cursorMissing := notFound(fmt.Sprintf("%s: cursor %q", op, afterID))
	if !possibleKey(accountID) || !storable(afterID) {
		if afterID != "" {
			return nil, cursorMissing
		}
		return nil, nil
	}
	q, args := r.t.s.q.resources.listResources, []any{accountID, limit}
	if afterID != "" {
		q, args = r.t.s.q.resources.listResourcesAfter, []any{accountID, afterID, limit}
	}
	out, err := queryAll(ctx, r.t, op, q, scanResource, args...)
	if err != nil || len(out) > 0 || afterID == "" {
		return out, err
	}
	known, err := r.t.exists(ctx, op, r.t.s.q.resources.resourceExists, afterID, accountID)
	if err != nil {
		return nil, err
	}
	if !known {
		return nil, cursorMissing
	}
	return nil, nil
}

func (r resources) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if !possibleKey(accountID) || !storable(orderID) {
		return nil, nil
	}
	return queryAll(ctx, r.t, fmt.Sprintf("list resources of order %q", orderID),
		r.t.s.q.resources.resourcesByOrder, scanResource, accountID, orderID)
}

// Due reads the partial index resources_due from its start up to t, so it
// visits the due resources and no others.
func (r resources) Due(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("due resources", limit); err != nil {
		return nil, err
	}
	return queryAll(ctx, r.t, "list due resources", r.t.s.q.resources.dueResources, scanResource, t, limit)
}

// ClaimDue is Due with FOR UPDATE SKIP LOCKED: the same range scan of
// resources_due, locking each row it returns and passing over rows that
// another transaction holds.
func (r resources) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit("claim due resources", limit); err != nil {
		return nil, err
	}
	return queryAll(ctx, r.t, "claim due resources", r.t.s.q.resources.claimDueResources, scanResource, t, limit)
}

// scanResource reads resourceColumns.
func scanResource(row pgx.Row) (storage.Resource, error) {
	var (
		res                                         storage.Resource
		start, end, nextDueAt, since, retry, anchor pgtype.Timestamptz
		closedThrough, stoppedAt                    pgtype.Timestamptz
		cur                                         pgtype.Text
		price                                       pgtype.Numeric
		status                                      string
		shares                                      map[string]money.Amount
		value                                       *lifecycle.PaidValue
	)
	if err := row.Scan(&res.ID, &res.AccountID, &res.CreatedAt, &res.Version, &res.OrderID, &res.ProductID, &status,
		&start, &end, &nextDueAt, &res.Configuration, &res.Term.Months, &res.Term.Days, &cur, &price, &res.Line, &shares,
		&res.PaymentID, &res.AutoRenew, &res.AutoRenewTerm.Months, &res.AutoRenewTerm.Days, &since,
		&res.NextReminder, &res.NextAttempt, &res.InvoiceIDs, &res.FailureReason, &value,
		&res.ValueTracked, &res.TickAttempts, &res.TickError, &retry, &anchor, &res.Postpaid, &res.Intervals,
		&closedThrough, &stoppedAt, &res.UpdatedAt, &res.Name); err != nil {
		return storage.Resource{}, err
	}
	amount, err := readAmount(price, cur.String)
	if err != nil {
		return storage.Resource{}, err
	}
	res.Status, res.PricePer30Days, res.CouponShares = lifecycle.State(status), amount, shares
	res.InvoiceIDs = noneIfEmpty(res.InvoiceIDs)
	if value != nil {
		res.Value = *value
	}
	res.PeriodStart, res.PeriodEnd, res.NextDueAt = timeOf(start), timeOf(end), timeOf(nextDueAt)
	res.Since, res.TickRetryAt, res.Anchor = timeOf(since), timeOf(retry), timeOf(anchor)
	res.ClosedThrough, res.StoppedAt = timeOf(closedThrough), timeOf(stoppedAt)
	res.CreatedAt, res.UpdatedAt = res.CreatedAt.UTC(), res.UpdatedAt.UTC()
	return res, nil
}
