package faultstore

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/billing/order"
	"github.com/cloudbill/cloudbill/storage"
)

// Each repository wrapper counts the call through tx.step and, unless the
// call is the faulted one, forwards it unchanged.

type accounts struct {
	t *tx
	r storage.Accounts
}

func (w accounts) Create(ctx context.Context, a storage.Account) error {
	if err := w.t.step(ctx, "Accounts.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, a)
}

func (w accounts) Get(ctx context.Context, id string) (storage.Account, error) {
	if err := w.t.step(ctx, "Accounts.Get"); err != nil {
		return storage.Account{}, err
	}
	return w.r.Get(ctx, id)
}

func (w accounts) GetForUpdate(ctx context.Context, id string) (storage.Account, error) {
	if err := w.t.step(ctx, "Accounts.GetForUpdate"); err != nil {
		return storage.Account{}, err
	}
	return w.r.GetForUpdate(ctx, id)
}

func (w accounts) Update(ctx context.Context, a storage.Account) (storage.Account, error) {
	if err := w.t.step(ctx, "Accounts.Update"); err != nil {
		return storage.Account{}, err
	}
	return w.r.Update(ctx, a)
}

type idempotency struct {
	t *tx
	r storage.Idempotency
}

func (w idempotency) Insert(ctx context.Context, rec storage.IdempotencyRecord) error {
	if err := w.t.step(ctx, "Idempotency.Insert"); err != nil {
		return err
	}
	return w.r.Insert(ctx, rec)
}

func (w idempotency) Get(ctx context.Context, accountID, key string) (storage.IdempotencyRecord, error) {
	if err := w.t.step(ctx, "Idempotency.Get"); err != nil {
		return storage.IdempotencyRecord{}, err
	}
	return w.r.Get(ctx, accountID, key)
}

func (w idempotency) SetResponse(ctx context.Context, accountID, key string, response []byte) error {
	if err := w.t.step(ctx, "Idempotency.SetResponse"); err != nil {
		return err
	}
	return w.r.SetResponse(ctx, accountID, key, response)
}

type audit struct {
	t *tx
	r storage.Audit
}

func (w audit) Append(ctx context.Context, rec storage.AuditRecord) (storage.AuditRecord, error) {
	if err := w.t.step(ctx, "Audit.Append"); err != nil {
		return storage.AuditRecord{}, err
	}
	return w.r.Append(ctx, rec)
}

func (w audit) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.AuditRecord, error) {
	if err := w.t.step(ctx, "Audit.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, afterSeq, limit)
}

type ledger struct {
	t *tx
	r storage.Ledger
}

func (w ledger) Append(ctx context.Context, e storage.LedgerEntry) (storage.LedgerEntry, error) {
	if err := w.t.step(ctx, "Ledger.Append"); err != nil {
		return storage.LedgerEntry{}, err
	}
	return w.r.Append(ctx, e)
}

func (w ledger) Entry(ctx context.Context, accountID, id string) (storage.LedgerEntry, error) {
	if err := w.t.step(ctx, "Ledger.Entry"); err != nil {
		return storage.LedgerEntry{}, err
	}
	return w.r.Entry(ctx, accountID, id)
}

func (w ledger) Entries(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.LedgerEntry, error) {
	if err := w.t.step(ctx, "Ledger.Entries"); err != nil {
		return nil, err
	}
	return w.r.Entries(ctx, accountID, afterSeq, limit)
}

func (w ledger) Balances(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := w.t.step(ctx, "Ledger.Balances"); err != nil {
		return nil, err
	}
	return w.r.Balances(ctx, accountID)
}

func (w ledger) PostingTotals(ctx context.Context, accountID string) ([]storage.LedgerBalance, error) {
	if err := w.t.step(ctx, "Ledger.PostingTotals"); err != nil {
		return nil, err
	}
	return w.r.PostingTotals(ctx, accountID)
}

func (w ledger) Expiring(ctx context.Context, t time.Time, limit int) ([]storage.LedgerBalance, error) {
	if err := w.t.step(ctx, "Ledger.Expiring"); err != nil {
		return nil, err
	}
	return w.r.Expiring(ctx, t, limit)
}

type payments struct {
	t *tx
	r storage.Payments
}

func (w payments) Create(ctx context.Context, p storage.Payment) error {
	if err := w.t.step(ctx, "Payments.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, p)
}

func (w payments) Get(ctx context.Context, accountID, id string) (storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.Get"); err != nil {
		return storage.Payment{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w payments) GetForUpdate(ctx context.Context, accountID, id string) (storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.GetForUpdate"); err != nil {
		return storage.Payment{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w payments) LookupForUpdate(ctx context.Context, id string) (storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.LookupForUpdate"); err != nil {
		return storage.Payment{}, err
	}
	return w.r.LookupForUpdate(ctx, id)
}

func (w payments) Update(ctx context.Context, p storage.Payment) (storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.Update"); err != nil {
		return storage.Payment{}, err
	}
	return w.r.Update(ctx, p)
}

func (w payments) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, afterID, limit)
}

func (w payments) ExpiryDue(ctx context.Context, t time.Time, limit int) ([]storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.ExpiryDue"); err != nil {
		return nil, err
	}
	return w.r.ExpiryDue(ctx, t, limit)
}

func (w payments) RetryDue(ctx context.Context, t, createdBefore time.Time, limit int) ([]storage.Payment, error) {
	if err := w.t.step(ctx, "Payments.RetryDue"); err != nil {
		return nil, err
	}
	return w.r.RetryDue(ctx, t, createdBefore, limit)
}

type gatewayEvents struct {
	t *tx
	r storage.GatewayEvents
}

func (w gatewayEvents) Record(ctx context.Context, gateway, eventID string, t time.Time) error {
	if err := w.t.step(ctx, "GatewayEvents.Record"); err != nil {
		return err
	}
	return w.r.Record(ctx, gateway, eventID, t)
}

type linkedAccounts struct {
	t *tx
	r storage.LinkedAccounts
}

func (w linkedAccounts) Create(ctx context.Context, l storage.LinkedAccount) error {
	if err := w.t.step(ctx, "LinkedAccounts.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, l)
}

func (w linkedAccounts) Get(ctx context.Context, accountID, id string) (storage.LinkedAccount, error) {
	if err := w.t.step(ctx, "LinkedAccounts.Get"); err != nil {
		return storage.LinkedAccount{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w linkedAccounts) LookupForUpdate(ctx context.Context, id string) (storage.LinkedAccount, error) {
	if err := w.t.step(ctx, "LinkedAccounts.LookupForUpdate"); err != nil {
		return storage.LinkedAccount{}, err
	}
	return w.r.LookupForUpdate(ctx, id)
}

func (w linkedAccounts) Update(ctx context.Context, l storage.LinkedAccount) error {
	if err := w.t.step(ctx, "LinkedAccounts.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, l)
}

func (w linkedAccounts) List(ctx context.Context, accountID string) ([]storage.LinkedAccount, error) {
	if err := w.t.step(ctx, "LinkedAccounts.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID)
}

type paymentLinks struct {
	t *tx
	r storage.PaymentLinks
}

func (w paymentLinks) Create(ctx context.Context, l storage.PaymentLink) error {
	if err := w.t.step(ctx, "PaymentLinks.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, l)
}

func (w paymentLinks) GetForUpdate(ctx context.Context, token string) (storage.PaymentLink, error) {
	if err := w.t.step(ctx, "PaymentLinks.GetForUpdate"); err != nil {
		return storage.PaymentLink{}, err
	}
	return w.r.GetForUpdate(ctx, token)
}

func (w paymentLinks) Update(ctx context.Context, l storage.PaymentLink) error {
	if err := w.t.step(ctx, "PaymentLinks.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, l)
}

type coupons struct {
	t *tx
	r storage.Coupons
}

func (w coupons) Create(ctx context.Context, c storage.CouponRecord) error {
	if err := w.t.step(ctx, "Coupons.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, c)
}

func (w coupons) Get(ctx context.Context, code string) (storage.CouponRecord, error) {
	if err := w.t.step(ctx, "Coupons.Get"); err != nil {
		return storage.CouponRecord{}, err
	}
	return w.r.Get(ctx, code)
}

func (w coupons) GetForUpdate(ctx context.Context, code string) (storage.CouponRecord, error) {
	if err := w.t.step(ctx, "Coupons.GetForUpdate"); err != nil {
		return storage.CouponRecord{}, err
	}
	return w.r.GetForUpdate(ctx, code)
}

func (w coupons) Update(ctx context.Context, c storage.CouponRecord) error {
	if err := w.t.step(ctx, "Coupons.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, c)
}

type redemptions struct {
	t *tx
	r storage.Redemptions
}

func (w redemptions) Create(ctx context.Context, r storage.Redemption) error {
	if err := w.t.step(ctx, "Redemptions.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, r)
}

func (w redemptions) Update(ctx context.Context, r storage.Redemption) error {
	if err := w.t.step(ctx, "Redemptions.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, r)
}

func (w redemptions) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Redemption, error) {
	if err := w.t.step(ctx, "Redemptions.ListByOrder"); err != nil {
		return nil, err
	}
	return w.r.ListByOrder(ctx, accountID, orderID)
}

func (w redemptions) Count(ctx context.Context, code, accountID string) (total, byAccount int, err error) {
	if err := w.t.step(ctx, "Redemptions.Count"); err != nil {
		return 0, 0, err
	}
	return w.r.Count(ctx, code, accountID)
}

type orders struct {
	t *tx
	r storage.Orders
}

func (w orders) Create(ctx context.Context, o storage.Order) error {
	if err := w.t.step(ctx, "Orders.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, o)
}

func (w orders) Get(ctx context.Context, accountID, id string) (storage.Order, error) {
	if err := w.t.step(ctx, "Orders.Get"); err != nil {
		return storage.Order{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w orders) GetForUpdate(ctx context.Context, accountID, id string) (storage.Order, error) {
	if err := w.t.step(ctx, "Orders.GetForUpdate"); err != nil {
		return storage.Order{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w orders) Update(ctx context.Context, o storage.Order) error {
	if err := w.t.step(ctx, "Orders.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, o)
}

func (w orders) CountByAccount(ctx context.Context, accountID string, statuses ...order.Status) (int, error) {
	if err := w.t.step(ctx, "Orders.CountByAccount"); err != nil {
		return 0, err
	}
	return w.r.CountByAccount(ctx, accountID, statuses...)
}

type resources struct {
	t *tx
	r storage.Resources
}

func (w resources) Create(ctx context.Context, r storage.Resource) error {
	if err := w.t.step(ctx, "Resources.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, r)
}

func (w resources) Get(ctx context.Context, accountID, id string) (storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.Get"); err != nil {
		return storage.Resource{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w resources) GetForUpdate(ctx context.Context, accountID, id string) (storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.GetForUpdate"); err != nil {
		return storage.Resource{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w resources) Update(ctx context.Context, r storage.Resource) (storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.Update"); err != nil {
		return storage.Resource{}, err
	}
	return w.r.Update(ctx, r)
}

func (w resources) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, afterID, limit)
}

func (w resources) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.ListByOrder"); err != nil {
		return nil, err
	}
	return w.r.ListByOrder(ctx, accountID, orderID)
}

func (w resources) Due(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.Due"); err != nil {
		return nil, err
	}
	return w.r.Due(ctx, t, limit)
}

func (w resources) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	if err := w.t.step(ctx, "Resources.ClaimDue"); err != nil {
		return nil, err
	}
	return w.r.ClaimDue(ctx, t, limit)
}

type invoices struct {
	t *tx
	r storage.Invoices
}

func (w invoices) Create(ctx context.Context, inv storage.Invoice) error {
	if err := w.t.step(ctx, "Invoices.Create"); err != nil {
		return err
	}
	return w.r.Create(ctx, inv)
}

func (w invoices) Get(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	if err := w.t.step(ctx, "Invoices.Get"); err != nil {
		return storage.Invoice{}, err
	}
	return w.r.Get(ctx, accountID, id)
}

func (w invoices) GetForUpdate(ctx context.Context, accountID, id string) (storage.Invoice, error) {
	if err := w.t.step(ctx, "Invoices.GetForUpdate"); err != nil {
		return storage.Invoice{}, err
	}
	return w.r.GetForUpdate(ctx, accountID, id)
}

func (w invoices) Update(ctx context.Context, inv storage.Invoice) error {
	if err := w.t.step(ctx, "Invoices.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, inv)
}

func (w invoices) List(ctx context.Context, accountID, resourceID, afterID string, limit int) ([]storage.Invoice, error) {
	if err := w.t.step(ctx, "Invoices.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, resourceID, afterID, limit)
}

func (w invoices) Open(ctx context.Context, accountID string, limit int) ([]storage.Invoice, error) {
	if err := w.t.step(ctx, "Invoices.Open"); err != nil {
		return nil, err
	}
	return w.r.Open(ctx, accountID, limit)
}

func (w invoices) NextNumber(ctx context.Context, series string) (int64, error) {
	if err := w.t.step(ctx, "Invoices.NextNumber"); err != nil {
		return 0, err
	}
	return w.r.NextNumber(ctx, series)
}

type actions struct {
	t *tx
	r storage.Actions
}

func (w actions) Append(ctx context.Context, a storage.Action) (storage.Action, error) {
	if err := w.t.step(ctx, "Actions.Append"); err != nil {
		return storage.Action{}, err
	}
	return w.r.Append(ctx, a)
}

func (w actions) List(ctx context.Context, accountID, resourceID string, afterSeq int64, limit int) ([]storage.Action, error) {
	if err := w.t.step(ctx, "Actions.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, resourceID, afterSeq, limit)
}

type outbox struct {
	t *tx
	r storage.Outbox
}

func (w outbox) Append(ctx context.Context, e storage.Event) (storage.Event, error) {
	if err := w.t.step(ctx, "Outbox.Append"); err != nil {
		return storage.Event{}, err
	}
	return w.r.Append(ctx, e)
}

func (w outbox) Deliverable(ctx context.Context, t time.Time, limit int) ([]storage.Event, error) {
	if err := w.t.step(ctx, "Outbox.Deliverable"); err != nil {
		return nil, err
	}
	return w.r.Deliverable(ctx, t, limit)
}

func (w outbox) GetForUpdate(ctx context.Context, seq int64) (storage.Event, error) {
	if err := w.t.step(ctx, "Outbox.GetForUpdate"); err != nil {
		return storage.Event{}, err
	}
	return w.r.GetForUpdate(ctx, seq)
}

func (w outbox) Update(ctx context.Context, e storage.Event) error {
	if err := w.t.step(ctx, "Outbox.Update"); err != nil {
		return err
	}
	return w.r.Update(ctx, e)
}

func (w outbox) List(ctx context.Context, accountID string, afterSeq int64, limit int) ([]storage.Event, error) {
	if err := w.t.step(ctx, "Outbox.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, afterSeq, limit)
}

type usage struct {
	t *tx
	r storage.Usage
}

func (w usage) Insert(ctx context.Context, events []storage.UsageEvent) ([]bool, error) {
	if err := w.t.step(ctx, "Usage.Insert"); err != nil {
		return nil, err
	}
	return w.r.Insert(ctx, events)
}

// Total forwards to the wrapped Usage's Total, or totals a listing when
// it has none.
func (w usage) Total(ctx context.Context, q storage.UsageQuery) (decimal.Decimal, int, error) {
	if err := w.t.step(ctx, "Usage.Total"); err != nil {
		return decimal.Zero, 0, err
	}
	if tt, ok := w.r.(storage.UsageTotaler); ok {
		return tt.Total(ctx, q)
	}
	return decimal.Zero, 0, fmt.Errorf("faultstore: the wrapped usage has no Total: %w", storage.ErrInvalidRecord)
}

func (w usage) List(ctx context.Context, q storage.UsageQuery) ([]storage.UsageEvent, error) {
	if err := w.t.step(ctx, "Usage.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, q)
}

type jobs struct {
	t *tx
	r storage.Jobs
}

func (w jobs) Put(ctx context.Context, j storage.Job) error {
	if err := w.t.step(ctx, "Jobs.Put"); err != nil {
		return err
	}
	return w.r.Put(ctx, j)
}

func (w jobs) Ensure(ctx context.Context, j storage.Job) (bool, error) {
	if err := w.t.step(ctx, "Jobs.Ensure"); err != nil {
		return false, err
	}
	return w.r.Ensure(ctx, j)
}

func (w jobs) Get(ctx context.Context, accountID string, kind storage.JobKind, key string) (storage.Job, error) {
	if err := w.t.step(ctx, "Jobs.Get"); err != nil {
		return storage.Job{}, err
	}
	return w.r.Get(ctx, accountID, kind, key)
}

func (w jobs) Delete(ctx context.Context, accountID string, kind storage.JobKind, key string) error {
	if err := w.t.step(ctx, "Jobs.Delete"); err != nil {
		return err
	}
	return w.r.Delete(ctx, accountID, kind, key)
}

func (w jobs) List(ctx context.Context, accountID string, kind storage.JobKind) ([]storage.Job, error) {
	if err := w.t.step(ctx, "Jobs.List"); err != nil {
		return nil, err
	}
	return w.r.List(ctx, accountID, kind)
}

func (w jobs) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Job, error) {
	if err := w.t.step(ctx, "Jobs.ClaimDue"); err != nil {
		return nil, err
	}
	return w.r.ClaimDue(ctx, t, limit)
}

// The batch methods count as one call each, as they are one round trip.

func (w accounts) GetManyForUpdate(ctx context.Context, ids []string) ([]storage.Account, error) {
	if err := w.t.step(ctx, "Accounts.GetManyForUpdate"); err != nil {
		return nil, err
	}
	return w.r.GetManyForUpdate(ctx, ids)
}

func (w invoices) NextNumbers(ctx context.Context, series string, n int) (int64, error) {
	if err := w.t.step(ctx, "Invoices.NextNumbers"); err != nil {
		return 0, err
	}
	return w.r.NextNumbers(ctx, series, n)
}

func (w invoices) CreateMany(ctx context.Context, invs []storage.Invoice) error {
	if err := w.t.step(ctx, "Invoices.CreateMany"); err != nil {
		return err
	}
	return w.r.CreateMany(ctx, invs)
}

func (w outbox) AppendMany(ctx context.Context, events []storage.Event) error {
	if err := w.t.step(ctx, "Outbox.AppendMany"); err != nil {
		return err
	}
	return w.r.AppendMany(ctx, events)
}

func (w jobs) PutMany(ctx context.Context, js []storage.Job) error {
	if err := w.t.step(ctx, "Jobs.PutMany"); err != nil {
		return err
	}
	return w.r.PutMany(ctx, js)
}

func (w jobs) EnsureMany(ctx context.Context, js []storage.Job) error {
	if err := w.t.step(ctx, "Jobs.EnsureMany"); err != nil {
		return err
	}
	return w.r.EnsureMany(ctx, js)
}

func (w resources) UpdateMany(ctx context.Context, rs []storage.Resource) error {
	if err := w.t.step(ctx, "Resources.UpdateMany"); err != nil {
		return err
	}
	return w.r.UpdateMany(ctx, rs)
}

// Claim forwards to the wrapped Outbox's Claim when it has one; otherwise
// it is Deliverable, which leases nothing.
func (w outbox) Claim(ctx context.Context, t time.Time, token string, until time.Time, limit int) ([]storage.Event, error) {
	if err := w.t.step(ctx, "Outbox.Claim"); err != nil {
		return nil, err
	}
	if c, ok := w.r.(storage.OutboxClaimer); ok {
		return c.Claim(ctx, t, token, until, limit)
	}
	return w.r.Deliverable(ctx, t, limit)
}
