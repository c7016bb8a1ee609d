package postgres

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cloudbill/cloudbill/storage"
)

// usageQueries are the statements of the usage repository.
type usageQueries struct {
	// copy is the fast path of Insert, one simple-protocol message: a
	// savepoint, a binary COPY of the batch straight into the table, and
	// the savepoint's release. It fails as a whole on the first id
	// already stored (23505), and then insert runs instead.
	copy string
	// insert is the general path: the whole batch in one statement.
	insert string
	// rollback undoes a failed copy and leaves the transaction usable.
	rollback string
	// list is indexed by [narrowed to one resource].
	list [2]string
	// total sums events in a period, indexed like list.
	total [2]string
}

const usageColumns = "account_id, id, resource_id, metric, quantity, value, at, recorded_at"

// usageCopyColumns is the number of usageColumns.
const usageCopyColumns = 8

// usageSavepoint names the savepoint of the copy path; pgx names its own
// sp_<n>, and a savepoint of the caller's around Insert is a different
// one even with the same name (ROLLBACK TO names the innermost).
const usageSavepoint = "cloudbill_usage_insert"

func newUsageQueries(t tables) usageQueries {
	r := strings.NewReplacer("{usage}", t.usage, "{totals}", t.usageTotals, "{cols}", usageColumns, "{sp}", usageSavepoint)
	listBy := func(resource string) string {
		return r.Replace(`SELECT {cols} FROM {usage}
			WHERE account_id = $1` + resource + ` AND ($3 = '' OR metric = $3)
				AND at >= $4 AND at < $5 AND (resource_id, at, id) > ($6, $7, $8)
			ORDER BY resource_id, at, id LIMIT $9`)
	}
	totalBy := func(resource string) string {
		where := `WHERE account_id = $1` + resource + ` AND ($3 = '' OR metric = $3)`
		return r.Replace(`SELECT coalesce(sum(q), 0), coalesce(sum(n), 0)::bigint FROM (
				SELECT quantity AS q, events AS n FROM {totals} ` + where + ` AND hour >= $6 AND hour < $7
				UNION ALL
				SELECT quantity, 1 FROM {usage} ` + where + ` AND at >= $4 AND at < $6
				UNION ALL
				SELECT quantity, 1 FROM {usage} ` + where + ` AND at >= $7 AND at < $5
			) s`)
	}
	return usageQueries{
		copy:     r.Replace(`SAVEPOINT {sp}; COPY {usage} ({cols}) FROM STDIN (FORMAT binary); RELEASE SAVEPOINT {sp}`),
		rollback: r.Replace(`ROLLBACK TO SAVEPOINT {sp}; RELEASE SAVEPOINT {sp}`),
		// insert: the arrays are the columns, in the order the rows are
		// claimed. ON CONFLICT DO NOTHING skips an id already stored — or
		// being stored by a concurrent transaction, which this one waits
		// for — without aborting the transaction, and RETURNING names the
		// rows that were new.
		insert: r.Replace(`INSERT INTO {usage} ({cols})
			SELECT u.account_id, u.id, u.resource_id, u.metric, u.quantity, u.value, u.at, u.recorded_at
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[],
				$7::timestamptz[], $8::timestamptz[]) WITH ORDINALITY
				AS u (account_id, id, resource_id, metric, quantity, value, at, recorded_at, ord)
			ORDER BY u.ord
			ON CONFLICT (account_id, id) DO NOTHING
			RETURNING account_id, id`),
		// total adds the whole hours of [$4, $5) from usage_totals
		// (migration 0021), [$6, $7), to the events of the partial hours
		// at either end, [$4, $6) and [$7, $5), read from the listing
		// index; with no whole hour inside, $6 = $7 = $5 and every event
		// is read.
		total: [2]string{totalBy(` AND $2::text IS NOT NULL`), totalBy(` AND resource_id = $2`)},
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
// order and cannot deadlock, and sends them.
//
// The rows go first by binary COPY in a savepoint, which PostgreSQL writes
// several rows to a page at a time and without the speculative insertion
// that ON CONFLICT costs each row: when every id is new — the common case —
// that is all, and every event is reported inserted. A COPY meeting an id
// already stored (or stored meanwhile by a concurrent transaction, which it
// waits for like the INSERT does) fails with a unique violation; Insert then
// rolls back to the savepoint and sends the batch again as one INSERT … ON
// CONFLICT DO NOTHING RETURNING, which reports each row. A batch of resent
// events thus costs a failed COPY more than before, never a wrong answer.
func (r usage) Insert(ctx context.Context, events []storage.UsageEvent) ([]bool, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	const op = "insert usage events"
	if len(events) > storage.MaxUsageBatch {
		return nil, invalid(op, fmt.Sprintf("batch of %d events, at most %d", len(events), storage.MaxUsageBatch))
	}
	for i, e := range events {
		switch {
		case e.ID == "" || e.AccountID == "" || e.ResourceID == "" || e.Metric == "" || e.At.IsZero():
			return nil, invalid(op, fmt.Sprintf("event %d: id, account, resource, metric and time are required", i))
		case !allStorable(e.ID, e.AccountID, e.ResourceID, e.Metric, e.Value):
			return nil, invalid(op, fmt.Sprintf("event %d: text must be UTF-8 without NUL bytes", i))
		}
	}
	inserted := make([]bool, len(events))
	if len(events) == 0 {
		return inserted, nil
	}
	// order is the events' indexes by (account, id); the sort is stable,
	// so the first of a run of equal ids is its first occurrence, the one
	// kept.
	order := make([]int, len(events))
	for i := range order {
		order[i] = i
	}
	byKey := func(a, b int) int {
		return cmp.Or(strings.Compare(events[a].AccountID, events[b].AccountID), strings.Compare(events[a].ID, events[b].ID))
	}
	slices.SortStableFunc(order, byKey)
	order = slices.CompactFunc(order, func(a, b int) bool { return byKey(a, b) == 0 })

	copied, err := r.copy(ctx, events, order)
	if err != nil {
		return nil, r.t.fail(op, err)
	}
	if copied {
		for _, i := range order {
			inserted[i] = true
		}
		return inserted, nil
	}
	if err := r.insert(ctx, events, order, inserted); err != nil {
		return nil, r.t.fail(op, err)
	}
	return inserted, nil
}

// copy sends the events of order by the copy statement. It reports false,
// with the transaction usable again, when an id was already stored.
func (r usage) copy(ctx context.Context, events []storage.UsageEvent, order []int) (bool, error) {
	w := newCopyWriter(19 + 2 + len(order)*(2+usageCopyColumns*4+2*8+8+2*4+64))
	for _, i := range order {
		e := &events[i]
		w.row(usageCopyColumns)
		w.text(e.AccountID)
		w.text(e.ID)
		w.text(e.ResourceID)
		w.text(e.Metric)
		if err := w.numeric(e.Quantity); err != nil {
			return false, err
		}
		w.text(e.Value)
		w.timestamptz(e.At)
		w.timestamptz(e.RecordedAt)
	}
	conn, err := r.t.pg.Conn(ctx)
	if err != nil {
		return false, err
	}
	sql := r.t.s.q.usage.copy
	// pgx traces its own CopyFrom; this one goes to PgConn directly (to
	// send the savepoint in the same message), so it calls the tracer.
	tracer, _ := conn.Config().Tracer.(pgx.CopyFromTracer)
	if tracer != nil {
		ctx = tracer.TraceCopyFromStart(ctx, conn, pgx.TraceCopyFromStartData{
			TableName:   pgx.Identifier{r.t.s.cfg.schema, "usage_events"},
			ColumnNames: strings.Split(usageColumns, ", "),
		})
	}
	tag, err := conn.PgConn().CopyFrom(ctx, bytes.NewReader(w.end()), sql)
	if tracer != nil {
		tracer.TraceCopyFromEnd(ctx, conn, pgx.TraceCopyFromEndData{CommandTag: tag, Err: err})
	}
	if err == nil {
		return true, nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != codeUniqueViolation {
		return false, err
	}
	if _, err := r.t.pg.Exec(ctx, r.t.s.q.usage.rollback); err != nil {
		return false, err
	}
	return false, nil
}

// insert sends the events of order as one INSERT … ON CONFLICT DO NOTHING
// and sets inserted for those it stored.
func (r usage) insert(ctx context.Context, events []storage.UsageEvent, order []int, inserted []bool) error {
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
		return err
	}
	defer rows.Close()
	var account, id string
	for rows.Next() {
		if err := rows.Scan(&account, &id); err != nil {
			return err
		}
		// order is sorted by (account, id) without repeats: the row
		// returned is found by binary search.
		j, ok := slices.BinarySearchFunc(order, 0, func(i, _ int) int {
			return cmp.Or(strings.Compare(events[i].AccountID, account), strings.Compare(events[i].ID, id))
		})
		if ok {
			inserted[order[j]] = true
		}
	}
	return rows.Err()
}

// List pages with a row comparison on (resource_id, at, id): the index
// usage_events_account_resource_at (account_id, resource_id, at; see
// migration 0010) serves it in (resource_id, at) order, and the events of
// one instant are sorted by id (an incremental sort of a few rows).
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

// Total sums in the database: the whole hours of the period from
// usage_totals, the events of a partial first or last hour through the
// index on (account_id, resource_id, at) when the resource is given.
func (r usage) Total(ctx context.Context, q storage.UsageQuery) (decimal.Decimal, int, error) {
	if err := r.t.check(ctx); err != nil {
		return decimal.Zero, 0, err
	}
	const op = "total usage events"
	if q.AccountID == "" {
		return decimal.Zero, 0, invalid(op, "account is required")
	}
	if !allStorable(q.AccountID, q.ResourceID, q.Metric) {
		return decimal.Zero, 0, nil // text no stored event can hold matches nothing
	}
	var sum pgtype.Numeric
	var n int64
	byResource := 0
	if q.ResourceID != "" {
		byResource = 1
	}
	lo, hi := wholeHours(q.From, q.To)
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.usage.total[byResource], q.AccountID, q.ResourceID, q.Metric, q.From, q.To, lo, hi).
		Scan(&sum, &n); err != nil {
		return decimal.Zero, 0, r.t.fail(op, err)
	}
	d, err := decimalOf(sum)
	if err != nil {
		return decimal.Zero, 0, r.t.fail(op, err)
	}
	return d, int(n), nil
}

// wholeHours gives the whole UTC hours [lo, hi) inside [from, to), the
// rows of usage_totals that Total reads; with none, lo = hi = to, so that
// Total reads every event of [from, to) instead.
func wholeHours(from, to time.Time) (lo, hi time.Time) {
	lo, hi = from.Truncate(time.Hour), to.Truncate(time.Hour)
	if lo.Before(from) {
		lo = lo.Add(time.Hour)
	}
	if !lo.Before(hi) {
		return to, to
	}
	return lo, hi
}
