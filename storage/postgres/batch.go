package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/storage"
)

// The repositories' …Many methods send many records as one statement
// whose parameters are the columns as arrays (unnest), however many the
// records: the server parses, plans and runs one statement instead of one
// per record. Each record is checked in Go before anything is sent, so a
// bad one changes nothing; a statement that changes fewer rows than it
// was given records (a taken key, a missing row) is that call's error,
// and held back it is guarded so that the server fails it (see guardAll).

// GetManyForUpdate locks the accounts in one statement, in byte order of
// their ids (see queries.getAccountsForUpdate).
func (r accounts) GetManyForUpdate(ctx context.Context, ids []string) ([]storage.Account, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	want := make([]string, 0, len(ids))
	for _, id := range ids {
		if possibleID(id) {
			want = append(want, id)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	slices.Sort(want)
	want = slices.Compact(want)
	return queryAll(ctx, r.t, fmt.Sprintf("lock %d accounts", len(want)), r.t.s.q.getAccountsForUpdate, scanAccount, want)
}

// NextNumbers moves the series row on by n in one upsert; its lock is
// held until the transaction ends, as NextNumber's.
func (r invoices) NextNumbers(ctx context.Context, series string, n int) (int64, error) {
	if err := r.t.check(ctx); err != nil {
		return 0, err
	}
	op := fmt.Sprintf("next %d numbers of series %q", n, series)
	if !possibleKey(series) || n < 1 {
		return 0, invalid(op, "series must be non-empty UTF-8 text without NUL bytes, and n at least 1")
	}
	var last int64
	if err := r.t.pg.QueryRow(ctx, r.t.s.q.resources.nextNumbers, series, int64(n)).Scan(&last); err != nil {
		return 0, r.t.fail(op, err)
	}
	return last - int64(n) + 1, nil
}

// CreateMany sends the invoices as one insert of arrays, in order (the
// identity column numbers the rows as the ordered SELECT yields them). A
// taken id or number, or an id given twice, inserts fewer rows than
// invoices: sent at once, RETURNING names the first invoice not stored;
// held back, the guard fails the transaction on the server.
func (r invoices) CreateMany(ctx context.Context, invs []storage.Invoice) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(invs) == 0 {
		return nil
	}
	cols, err := invoiceColumnsOf(invs)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("create %d invoices", len(invs))
	ids := make([]string, len(invs))
	for i, inv := range invs {
		ids[i] = inv.ID
	}
	return r.t.writeMany(ctx, r.t.s.q.resources.createInvoices, cols, ids,
		func(err error) error { return r.t.fail(op, err) },
		func(missing string) error {
			if missing == "" {
				return duplicate(op + ": an id or number is already stored, or an id is given twice")
			}
			return duplicate(fmt.Sprintf("create invoice %q", missing))
		})
}

// invoiceColumnsOf checks every invoice as Create does (checkInvoice) and
// gives the columns of createInvoices, each as an array with one element
// per invoice.
func invoiceColumnsOf(invs []storage.Invoice) ([]any, error) {
	n := len(invs)
	text := func() []string { return make([]string, n) }
	ids, accounts, resources, orders, kinds, statuses := text(), text(), text(), text(), text(), text()
	taxModes, voidReasons, credited, memos, lines := text(), text(), text(), text(), text()
	series, currencies, sellers, buyers, reasons := make([]pgtype.Text, n), make([]pgtype.Text, n), make([]pgtype.Text, n),
		make([]pgtype.Text, n), make([]pgtype.Text, n)
	numbers := make([]pgtype.Int8, n)
	amounts := make([][]pgtype.Numeric, 7) // total, subtotal, discount, net, tax, paid, credited
	for k := range amounts {
		amounts[k] = make([]pgtype.Numeric, n)
	}
	issued, due, paid, voided := make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n), make([]pgtype.Timestamptz, n),
		make([]pgtype.Timestamptz, n)
	created, updated := make([]time.Time, n), make([]time.Time, n)
	for i, inv := range invs {
		op := fmt.Sprintf("create invoice %q", inv.ID)
		code, err := checkInvoice(op, inv)
		if err != nil {
			return nil, err
		}
		l, err := json.Marshal(emptyIfNone(inv.Lines))
		if err != nil {
			return nil, invalid(op, err.Error())
		}
		ids[i], accounts[i], resources[i], orders[i], kinds[i], statuses[i] = inv.ID, inv.AccountID, inv.ResourceID, inv.OrderID,
			string(inv.Kind), string(inv.Status)
		// What invoiceArgs sends: NULL for no series, number, currency or
		// amount.
		series[i], numbers[i], currencies[i] = nullText(inv.Series), pgtype.Int8{Int64: inv.Number, Valid: inv.Number != 0}, nullText(code)
		for k, a := range []money.Amount{inv.Total, inv.Subtotal, inv.Discount, inv.Net, inv.Tax, inv.AmountPaid, inv.AmountCredited} {
			amounts[k][i] = amountArg(a)
		}
		issued[i], due[i], paid[i], voided[i] = nullTime(inv.IssuedAt), nullTime(inv.DueAt), nullTime(inv.PaidAt), nullTime(inv.VoidedAt)
		taxModes[i], voidReasons[i], credited[i], memos[i], lines[i] = string(inv.TaxMode), inv.VoidReason, inv.CreditedInvoiceID,
			inv.Memo, string(l)
		sellers[i], buyers[i], reasons[i] = jsonText(partyArg(inv.Seller)), jsonText(partyArg(inv.Buyer)), jsonText(codedReasonArg(inv.CodedReason))
		created[i], updated[i] = inv.CreatedAt, inv.UpdatedAt
	}
	return []any{ids, accounts, resources, orders, kinds, statuses, series, numbers, currencies, amounts[0], issued, taxModes,
		amounts[1], amounts[2], amounts[3], amounts[4], amounts[5], amounts[6], lines, due, paid, voided, voidReasons, credited,
		memos, sellers, buyers, created, updated, reasons}, nil
}

// jsonText is a JSONB argument given as its text (partyArg,
// codedReasonArg): NULL for nil.
func jsonText(v any) pgtype.Text {
	s, ok := v.(string)
	return pgtype.Text{String: s, Valid: ok}
}

// writeMany runs a write of many rows whose $1 is the rows' keys and
// whose RETURNING gives the key of each row it changed, or holds it back
// when ctx defers writes: then it goes out guarded (see guardAll) with the
// transaction's next statement or its COMMIT, and fails there unless it
// changed every row. fail maps the server's error; short is the error of
// a write that changed too few rows, given the first key it did not
// change ("" when held back: the guard cannot say which).
func (t *tx) writeMany(ctx context.Context, sql string, args []any, keys []string, fail func(error) error, short func(missing string) error) error {
	if storage.WritesDeferred(ctx) {
		t.pg.queue(t.s.guarded.bySQL[sql], args, func(_ pgconn.CommandTag, err error) error {
			switch {
			case guardFailed(err):
				return short("")
			case err != nil:
				return fail(err)
			}
			return nil
		})
		return nil
	}
	rows, err := t.pg.Query(ctx, sql, args...)
	if err != nil {
		return fail(err)
	}
	done := make(map[string]bool, len(keys))
	var key string
	_, err = pgx.ForEachRow(rows, []any{&key}, func() error {
		done[key] = true
		return nil
	})
	if err != nil {
		return fail(err)
	}
	if len(done) == len(keys) {
		return nil
	}
	for _, k := range keys {
		if !done[k] {
			return short(k)
		}
		delete(done, k) // a key given twice is missing the second time
	}
	return short("")
}

// AppendMany sends the events as one insert of arrays, in order (the
// identity column numbers the rows as the ordered SELECT yields them); an
// id already stored, or given twice, inserts fewer rows than events.
func (r outbox) AppendMany(ctx context.Context, events []storage.Event) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	ids, accounts, streams, kinds, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	payloads := make([][]byte, n)
	attempts := make([]int32, n)
	next, created := make([]time.Time, n), make([]time.Time, n)
	delivered := make([]pgtype.Timestamptz, n)
	for i, e := range events {
		op := fmt.Sprintf("append event %q", e.ID)
		e.ClaimToken, e.ClaimedUntil = "", time.Time{} // a new event is unclaimed
		switch {
		case e.ID == "" || e.AccountID == "" || e.Stream == "" || e.Kind == "":
			return invalid(op, "id, account, stream and kind are required")
		case !allStorable(e.ID, e.AccountID, e.Stream, e.Kind):
			return invalid(op, "text must be UTF-8 without NUL bytes")
		}
		if err := validDelivery(op, e); err != nil {
			return err
		}
		ids[i], accounts[i], streams[i], kinds[i], errs[i] = e.ID, e.AccountID, e.Stream, e.Kind, e.LastError
		payloads[i], attempts[i] = e.Payload, int32(e.Attempts)
		next[i], created[i], delivered[i] = e.NextAttemptAt, e.CreatedAt, nullTime(e.DeliveredAt)
	}
	op := fmt.Sprintf("append %d events", n)
	return r.t.write(ctx, r.t.s.q.resources.appendEvents,
		[]any{ids, accounts, streams, kinds, payloads, attempts, next, errs, delivered, created},
		func(tag pgconn.CommandTag, err error) error {
			if err != nil {
				return r.t.fail(op, err)
			}
			if int(tag.RowsAffected()) < n {
				return duplicate(op + ": an id is already stored or given twice")
			}
			return nil
		}, func() error { return duplicate(op + ": an id is already stored or given twice") })
}

// PutMany sends the jobs as one upsert of arrays. A key given twice is
// one row, the last job given with the CreatedAt of the first (what Put of
// each in order leaves), since one statement cannot update a row twice.
func (r jobs) PutMany(ctx context.Context, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	type key struct {
		account string
		kind    storage.JobKind
		key     string
	}
	at := make(map[key]int, len(js))
	rows := make([]storage.Job, 0, len(js))
	for _, j := range js {
		if err := validJob(fmt.Sprintf("put job %q/%q", j.Kind, j.Key), j); err != nil {
			return err
		}
		k := key{j.AccountID, j.Kind, j.Key}
		if i, ok := at[k]; ok {
			j.CreatedAt = rows[i].CreatedAt
			rows[i] = j
			continue
		}
		at[k] = len(rows)
		rows = append(rows, j)
	}
	return r.many(ctx, "put jobs", r.t.s.q.jobs.putMany, rows)
}

// EnsureMany sends the jobs as one insert of arrays that skips the keys
// already stored (and repeated ones after the first).
func (r jobs) EnsureMany(ctx context.Context, js []storage.Job) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	for _, j := range js {
		if err := validJob(fmt.Sprintf("ensure job %q/%q", j.Kind, j.Key), j); err != nil {
			return err
		}
	}
	return r.many(ctx, "ensure jobs", r.t.s.q.jobs.ensureMany, js)
}

// many runs query with the jobs' columns as arrays.
func (r jobs) many(ctx context.Context, op, query string, js []storage.Job) error {
	if len(js) == 0 {
		return nil
	}
	n := len(js)
	accounts, kinds, keys, errs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, created, updated := make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	since := make([]pgtype.Timestamptz, n)
	steps, attempts := make([]int64, n), make([]int64, n)
	for i, j := range js {
		accounts[i], kinds[i], keys[i], errs[i] = j.AccountID, string(j.Kind), j.Key, j.LastError
		due[i], created[i], updated[i], since[i] = j.DueAt, j.CreatedAt, j.UpdatedAt, nullTime(j.Since)
		steps[i], attempts[i] = int64(j.Step), int64(j.Attempts)
	}
	args := []any{accounts, kinds, keys, due, steps, since, attempts, errs, created, updated}
	if storage.WritesDeferred(ctx) {
		// Held back: it fails only on the server, which then skips
		// what follows it.
		r.t.pg.queue(query, args, func(_ pgconn.CommandTag, err error) error {
			if err != nil {
				return r.t.fail(op, err)
			}
			return nil
		})
		return nil
	}
	if _, err := r.t.pg.Exec(ctx, query, args...); err != nil {
		return r.t.fail(op, err)
	}
	return nil
}

// UpdateMany sends the resources as one update from arrays. One
// statement cannot change a row twice, so a resource given more than once
// is sent once, as the last given, with its Version moved on once per
// occurrence: what Update of each in order leaves. An update that reaches
// fewer rows than resources met a missing one (or another tenant's).
func (r resources) UpdateMany(ctx context.Context, rs []storage.Resource) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	for _, res := range rs {
		op := fmt.Sprintf("update resource %q", res.ID)
		if !possibleKey(res.ID) || !possibleKey(res.AccountID) {
			return notFound(op)
		}
		if err := validResource(op, res); err != nil {
			return err
		}
	}
	type key struct{ account, id string }
	at := make(map[key]int, len(rs))
	last := make([]int, 0, len(rs)) // the index in rs of each row sent
	times := make([]int, 0, len(rs))
	for i, res := range rs {
		k := key{res.AccountID, res.ID}
		if j, ok := at[k]; ok {
			last[j], times[j] = i, times[j]+1
			continue
		}
		at[k] = len(last)
		last, times = append(last, i), append(times, 1)
	}
	cols, invoiceIDs, err := resourceColumnsOf(rs, last)
	if err != nil {
		return err
	}
	cols = append(cols, times, invoiceIDs)
	ids := make([]string, len(last))
	for j, i := range last {
		ids[j] = rs[i].ID
	}
	op := fmt.Sprintf("update %d resources", len(last))
	return r.t.writeMany(ctx, r.t.s.q.resources.updateResources, cols, ids,
		func(err error) error { return r.t.fail(op, err) },
		func(missing string) error {
			if missing == "" {
				return notFound(op + ": a resource is missing")
			}
			return notFound(fmt.Sprintf("update resource %q", missing))
		})
}

// resourceColumnsOf gives the columns of updateResources for rs[at[0]],
// rs[at[1]], …, each as an array: id, account_id, then the columns of
// resourceArgs, checked as resourceArgs does. An array of arrays cannot
// be unnested row by row, so the rows' invoice ids come as one array
// apart, each row naming its slice of it (from, to].
func resourceColumnsOf(rs []storage.Resource, at []int) (cols []any, invoiceIDs []string, err error) {
	n := len(at)
	text := func() []string { return make([]string, n) }
	stamp := func() []pgtype.Timestamptz { return make([]pgtype.Timestamptz, n) }
	num := func() []int { return make([]int, n) }
	flag := func() []bool { return make([]bool, n) }
	ids, accounts, orders, products, statuses, payments, failures, tickErrors, names := text(), text(), text(), text(), text(),
		text(), text(), text(), text()
	configs, lines := text(), text()
	shares, values, intervals, currencies := make([]pgtype.Text, n), make([]pgtype.Text, n), make([]pgtype.Text, n), make([]pgtype.Text, n)
	prices := make([]pgtype.Numeric, n)
	starts, ends, dues, sinces, retries, anchors, closed, stopped := stamp(), stamp(), stamp(), stamp(), stamp(), stamp(), stamp(), stamp()
	termMonths, termDays, renewMonths, renewDays, reminders, attempts, tickAttempts := num(), num(), num(), num(), num(), num(), num()
	autoRenew, tracked, postpaid := flag(), flag(), flag()
	updated := make([]time.Time, n)
	invoiceIDs = []string{}
	idsFrom, idsTo := num(), num()
	for j, i := range at {
		res := &rs[i]
		op := fmt.Sprintf("update resource %q", res.ID)
		cur, price, ok := moneyArgs(res.PricePer30Days)
		if !ok {
			return nil, nil, invalid(op, "price currency must be three upper-case letters")
		}
		if configs[j], err = jsonString(res.Configuration); err != nil {
			return nil, nil, invalid(op, err.Error())
		}
		if lines[j], err = jsonString(res.Line); err != nil {
			return nil, nil, invalid(op, err.Error())
		}
		if shares[j], err = jsonNull(len(res.CouponShares) > 0, res.CouponShares); err != nil {
			return nil, nil, invalid(op, err.Error())
		}
		if values[j], err = jsonNull(len(res.Value.Segments) > 0, res.Value); err != nil {
			return nil, nil, invalid(op, err.Error())
		}
		if intervals[j], err = jsonNull(len(res.Intervals) > 0, res.Intervals); err != nil {
			return nil, nil, invalid(op, err.Error())
		}
		ids[j], accounts[j], orders[j], products[j], statuses[j] = res.ID, res.AccountID, res.OrderID, res.ProductID, string(res.Status)
		payments[j], failures[j], tickErrors[j], names[j] = res.PaymentID, res.FailureReason, res.TickError, res.Name
		currencies[j], prices[j] = cur, price
		starts[j], ends[j], dues[j], sinces[j] = nullTime(res.PeriodStart), nullTime(res.PeriodEnd), nullTime(res.NextDueAt), nullTime(res.Since)
		retries[j], anchors[j], closed[j], stopped[j] = nullTime(res.TickRetryAt), nullTime(res.Anchor), nullTime(res.ClosedThrough),
			nullTime(res.StoppedAt)
		termMonths[j], termDays[j], renewMonths[j], renewDays[j] = res.Term.Months, res.Term.Days, res.AutoRenewTerm.Months,
			res.AutoRenewTerm.Days
		reminders[j], attempts[j], tickAttempts[j] = res.NextReminder, res.NextAttempt, res.TickAttempts
		autoRenew[j], tracked[j], postpaid[j] = res.AutoRenew, res.ValueTracked, res.Postpaid
		updated[j] = res.UpdatedAt
		idsFrom[j] = len(invoiceIDs)
		invoiceIDs = append(invoiceIDs, res.InvoiceIDs...)
		idsTo[j] = len(invoiceIDs)
	}
	return []any{ids, accounts, orders, products, statuses, starts, ends, dues, configs, termMonths, termDays, currencies, prices,
		lines, shares, payments, autoRenew, renewMonths, renewDays, sinces, reminders, attempts, idsFrom, idsTo,
		failures, values, tracked, tickAttempts, tickErrors, retries, anchors, postpaid, intervals, closed, stopped, updated,
		names}, invoiceIDs, nil
}

// jsonString is v as JSON text, as pgx would send it for a JSONB column.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// jsonNull is v as JSON text when present, else NULL (see nullJSON).
func jsonNull(present bool, v any) (pgtype.Text, error) {
	if !present {
		return pgtype.Text{}, nil
	}
	s, err := jsonString(v)
	return pgtype.Text{String: s, Valid: err == nil}, err
}
