package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// usageQueries are the statements of the usage repository.
type usageQueries struct {
	insert string
	// list is indexed by [narrowed to one resource].
	list [2]string
}

const usageColumns = "account_id, id, resource_id, metric, quantity, value, at, recorded_at"

func newUsageQueries(t tables) usageQueries {
	r := strings.NewReplacer("{usage}", t.usage, "{cols}", usageColumns)
	listBy := func(resource string) string {
		return r.Replace(`SELECT {cols} FROM {usage}
			WHERE account_id = $1` + resource + ` AND ($3 = '' OR metric = $3)
				AND at >= $4 AND at < $5 AND (resource_id, at, id) > ($6, $7, $8)
			ORDER BY resource_id, at, id LIMIT $9`)
	}
	return usageQueries{
		// insert is a whole batch in one statement: the arrays are the
		// columns, in the order the rows are claimed. ON CONFLICT DO
		// NOTHING skips an id already stored — or being stored by a
		// concurrent transaction, which this one waits for — without
		// aborting the transaction, and RETURNING names the rows that were
		// new.
		insert: r.Replace(`INSERT INTO {usage} ({cols})
			SELECT u.account_id, u.id, u.resource_id, u.metric, u.quantity, u.value, u.at, u.recorded_at
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[],
				$7::timestamptz[], $8::timestamptz[]) WITH ORDINALITY
				AS u (account_id, id, resource_id, metric, quantity, value, at, recorded_at, ord)
			ORDER BY u.ord
			ON CONFLICT (account_id, id) DO NOTHING
			RETURNING account_id, id`),
		// Two statements rather than "$2 = '' OR resource_id = $2", so
		// that a generic plan still uses the index for one resource.
		list: [2]string{
			listBy(` AND $2::text IS NOT NULL`),
			listBy(` AND resource_id = $2`),
		},
	}
}

// usage is the storage.Usage of one transaction.
type usage struct{ t *tx }

// Insert validates the batch in Go (so a bad one leaves the transaction
// usable), keeps the first occurrence of each id, sorts the rest by
// (account, id) so that two batches sharing ids take their row locks in one
// order and cannot deadlock, and sends them as one statement.
func (r usage) Insert(ctx context.Context, events []storage.UsageEvent) ([]bool, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	const op = "insert usage events"
	if len(events) > storage.MaxUsageBatch {
		return nil, invalid(op, fmt.Sprintf("batch of %d events, at most %d", len(events), storage.MaxUsageBatch))
	}
	type key struct{ account, id string }
	first := make(map[key]int, len(events)) // index of each id's first occurrence
	order := make([]int, 0, len(events))
	for i, e := range events {
		switch {
		case e.ID == "" || e.AccountID == "" || e.ResourceID == "" || e.Metric == "" || e.At.IsZero():
			return nil, invalid(op, fmt.Sprintf("event %d: id, account, resource, metric and time are required", i))
		case !allStorable(e.ID, e.AccountID, e.ResourceID, e.Metric, e.Value):
			return nil, invalid(op, fmt.Sprintf("event %d: text must be UTF-8 without NUL bytes", i))
		}
		k := key{e.AccountID, e.ID}
		if _, dup := first[k]; !dup {
			first[k] = i
			order = append(order, i)
		}
	}
	inserted := make([]bool, len(events))
	if len(order) == 0 {
		return inserted, nil
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(strings.Compare(events[a].AccountID, events[b].AccountID), strings.Compare(events[a].ID, events[b].ID))
	})
	n := len(order)
	accounts, ids, resources, metrics, values := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	quantities := make([]pgtype.Numeric, n)
	ats, recorded := make([]time.Time, n), make([]time.Time, n)
	for j, i := range order {
		e := events[i]
		accounts[j], ids[j], resources[j], metrics[j], values[j] = e.AccountID, e.ID, e.ResourceID, e.Metric, e.Value
		quantities[j] = numeric(e.Quantity)
		ats[j], recorded[j] = e.At, e.RecordedAt
	}
	rows, err := r.t.pg.Query(ctx, r.t.s.q.usage.insert, accounts, ids, resources, metrics, quantities, values, ats, recorded)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	defer rows.Close()
	var k key
	for rows.Next() {
		if err := rows.Scan(&k.account, &k.id); err != nil {
			return nil, r.t.fail(op, err)
		}
		if i, ok := first[k]; ok {
			inserted[i] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, r.t.fail(op, err)
	}
	return inserted, nil
}

// List pages with a row comparison on (resource_id, at, id), which the
// index usage_events_account_resource_at serves in order.
func (r usage) List(ctx context.Context, q storage.UsageQuery) ([]storage.UsageEvent, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	const op = "list usage events"
	if err := checkLimit("usage events", q.Limit); err != nil {
		return nil, err
	}
	if q.AccountID == "" {
		return nil, invalid(op, "account is required")
	}
	if !allStorable(q.AccountID, q.ResourceID, q.Metric, q.After.ResourceID, q.After.ID) {
		return nil, nil // text no stored event can hold matches nothing
	}
	byResource := 0
	if q.ResourceID != "" {
		byResource = 1
	}
	return queryAll(ctx, r.t, op, r.t.s.q.usage.list[byResource], scanUsage,
		q.AccountID, q.ResourceID, q.Metric, q.From, q.To, q.After.ResourceID, q.After.At, q.After.ID, q.Limit)
}

// scanUsage reads one row of usageColumns.
func scanUsage(row pgx.Row) (storage.UsageEvent, error) {
	var e storage.UsageEvent
	var q pgtype.Numeric
	if err := row.Scan(&e.AccountID, &e.ID, &e.ResourceID, &e.Metric, &q, &e.Value, &e.At, &e.RecordedAt); err != nil {
		return storage.UsageEvent{}, err
	}
	d, err := decimalOf(q)
	if err != nil {
		return storage.UsageEvent{}, err
	}
	e.Quantity, e.At, e.RecordedAt = d, e.At.UTC(), e.RecordedAt.UTC()
	return e, nil
}
