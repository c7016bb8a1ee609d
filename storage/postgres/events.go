package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// gatewayEvents is the storage.GatewayEvents of one transaction.
type gatewayEvents struct{ t *tx }

// Record claims (gateway, eventID) with INSERT … ON CONFLICT DO NOTHING. A
// concurrent transaction's uncommitted claim of the same event makes the
// insert wait: if that transaction commits, Record returns ErrDuplicate; if
// it rolls back, this claim wins. So of any number of deliveries of one
// callback, exactly one applies.
func (r gatewayEvents) Record(ctx context.Context, gateway, eventID string, at time.Time) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if !possibleKey(gateway) || !possibleKey(eventID) {
		return fmt.Errorf("postgres: gateway event %q/%q: gateway and id must be non-empty UTF-8 text without NUL bytes: %w",
			gateway, eventID, storage.ErrInvalidRecord)
	}
	tag, err := r.t.pg.Exec(ctx, r.t.s.q.payments.recordEvent, gateway, eventID, at)
	if err != nil {
		return r.t.fail(fmt.Sprintf("record gateway event %s/%s", gateway, eventID), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: gateway event %s/%s: %w", gateway, eventID, storage.ErrDuplicate)
	}
	return nil
}
