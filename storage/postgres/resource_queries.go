package postgres

import (
	"fmt"
	"strings"
)

// resourceQueries are the statements of the resource, invoice, action and
// outbox repositories.
type resourceQueries struct {
	createResource, getResource, getResourceForUpdate, updateResource string
	listResources, listResourcesAfter, resourceExists                 string
	resourcesByOrder, dueResources, claimDueResources                 string

	createInvoice, getInvoice, getInvoiceForUpdate, updateInvoice string
	// listInvoices is indexed by [by resource][after a cursor].
	listInvoices  [2][2]string
	invoiceExists string
	openInvoices  string
	nextNumber    string
	nextNumbers   string
	// updateResourceQuiet is updateResource without reading the row back.
	updateResourceQuiet string
	// createInvoices is createInvoice of many invoices and updateResources
	// updateResourceQuiet of many resources, each in one statement whose
	// parameters are the columns as arrays ($1 the ids) and whose
	// RETURNING names the rows written.
	createInvoices, updateResources string

	appendAction string
	// listActions is indexed by [by resource].
	listActions [2]string

	appendEvent, deliverable, getEventForUpdate, updateEvent, listEvents string
	// claimEvents is Outbox Claim: $1 t, $2 the token, $3 the lease's
	// end, $4 the limit.
	claimEvents string
	// appendEvents is appendEvent of many events, the columns as arrays.
	appendEvents string
}

// updateResourceSet is the UPDATE of Update and UpdateMany: created_at is
// not in the SET list, so it is kept; version is incremented by the
// database, not from the caller's copy.
const updateResourceSet = `UPDATE {resources} SET order_id = $3, product_id = $4, status = $5,
			period_start = $6, period_end = $7, next_due_at = $8, configuration = $9, term_months = $10,
			term_days = $11, currency = $12, price_per_30_days = $13, line = $14, coupon_shares = $15,
			payment_id = $16, auto_renew = $17, auto_renew_months = $18, auto_renew_days = $19, since = $20,
			next_reminder = $21, next_attempt = $22, invoice_ids = $23, failure_reason = $24, paid_value = $25,
			value_tracked = $26, tick_attempts = $27, tick_error = $28, tick_retry_at = $29, anchor = $30,
			postpaid = $31, intervals = $32, closed_through = $33, stopped_at = $34, updated_at = $35,
			name = $36, version = version + 1
			WHERE id = $1 AND account_id = $2`

// resourceColumns are read by scanResource; resourceArgs gives the values
// from order_id to name.
const resourceColumns = `id, account_id, created_at, version, order_id, product_id, status, period_start, period_end,
	next_due_at, configuration, term_months, term_days, currency, price_per_30_days, line, coupon_shares,
	payment_id, auto_renew, auto_renew_months, auto_renew_days, since, next_reminder, next_attempt, invoice_ids,
	failure_reason, paid_value, value_tracked, tick_attempts, tick_error, tick_retry_at, anchor, postpaid, intervals,
	closed_through, stopped_at, updated_at, name`

const invoiceColumns = `id, account_id, resource_id, order_id, kind, status, series, number, currency, total,
	issued_at, tax_mode, subtotal, discount, net, tax, amount_paid, amount_credited, lines, due_at, paid_at, voided_at,
	void_reason, credited_invoice_id, memo, seller, buyer, created_at, updated_at, coded_reason`

const actionColumns = `seq, id, account_id, resource_id, kind, actor, at, old_configuration, new_configuration,
	old_start, old_end, new_start, new_end, invoice_id, note`

const eventColumns = `seq, id, account_id, stream, kind, payload, attempts, next_attempt_at, last_error, delivered_at,
	created_at, claim_token, claimed_until`

func newResourceQueries(t tables) resourceQueries {
	r := strings.NewReplacer("{resources}", t.resources, "{invoices}", t.invoices, "{series}", t.series,
		"{actions}", t.actions, "{outbox}", t.outbox,
		"{res}", resourceColumns, "{inv}", invoiceColumns, "{act}", actionColumns, "{ev}", eventColumns)

	// Invoice pages: $1 the tenant, $2 the limit, then the resource and
	// the cursor when given. Keyset paging on seq: the page starts after
	// the cursor's seq, read in the same statement; an unknown cursor makes
	// the comparison NULL and the page empty, and invoiceExists then tells
	// it from the end of the list.
	invoicePage := func(byResource, after bool) string {
		q, n := `SELECT {inv} FROM {invoices} WHERE account_id = $1`, 2
		if byResource {
			n++
			q += fmt.Sprintf(` AND resource_id = $%d`, n)
		}
		if after {
			n++
			q += fmt.Sprintf(` AND seq < (SELECT seq FROM {invoices} WHERE id = $%d AND account_id = $1)`, n)
		}
		return r.Replace(q + ` ORDER BY seq DESC LIMIT $2`)
	}

	return resourceQueries{
		// Inserts claim their keys with ON CONFLICT DO NOTHING: a
		// duplicate is "0 rows" and the transaction stays usable.
		createResource: r.Replace(`INSERT INTO {resources} ({res})
			VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
				$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37) ON CONFLICT (id) DO NOTHING`),
		getResource:          r.Replace(`SELECT {res} FROM {resources} WHERE id = $1 AND account_id = $2`),
		getResourceForUpdate: r.Replace(`SELECT {res} FROM {resources} WHERE id = $1 AND account_id = $2 FOR UPDATE`),
		updateResource:       r.Replace(updateResourceSet + ` RETURNING {res}`),
		updateResourceQuiet:  r.Replace(updateResourceSet),
		// updateResourceSet from arrays, one row each (UpdateMany sends a
		// resource once: an UPDATE changes a row once), version moved on
		// by $38, the times the resource was given; a row's invoice ids
		// are its slice (ids_from, ids_to] of $39.
		updateResources: r.Replace(`UPDATE {resources} r SET order_id = u.order_id, product_id = u.product_id, status = u.status,
				period_start = u.period_start, period_end = u.period_end, next_due_at = u.next_due_at,
				configuration = u.configuration::jsonb, term_months = u.term_months, term_days = u.term_days,
				currency = u.currency, price_per_30_days = u.price_per_30_days, line = u.line::jsonb,
				coupon_shares = u.coupon_shares::jsonb, payment_id = u.payment_id, auto_renew = u.auto_renew,
				auto_renew_months = u.auto_renew_months, auto_renew_days = u.auto_renew_days, since = u.since,
				next_reminder = u.next_reminder, next_attempt = u.next_attempt,
				invoice_ids = ($39::text[])[u.ids_from + 1 : u.ids_to], failure_reason = u.failure_reason,
				paid_value = u.paid_value::jsonb, value_tracked = u.value_tracked, tick_attempts = u.tick_attempts,
				tick_error = u.tick_error, tick_retry_at = u.tick_retry_at, anchor = u.anchor, postpaid = u.postpaid,
				intervals = u.intervals::jsonb, closed_through = u.closed_through, stopped_at = u.stopped_at,
				updated_at = u.updated_at, name = u.name, version = r.version + u.times
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
				$8::timestamptz[], $9::text[], $10::integer[], $11::integer[], $12::text[], $13::numeric[], $14::text[],
				$15::text[], $16::text[], $17::boolean[], $18::integer[], $19::integer[], $20::timestamptz[], $21::integer[],
				$22::integer[], $23::integer[], $24::integer[], $25::text[], $26::text[], $27::boolean[], $28::integer[],
				$29::text[], $30::timestamptz[], $31::timestamptz[], $32::boolean[], $33::text[], $34::timestamptz[],
				$35::timestamptz[], $36::timestamptz[], $37::text[], $38::integer[])
				AS u (id, account_id, order_id, product_id, status, period_start, period_end, next_due_at, configuration,
					term_months, term_days, currency, price_per_30_days, line, coupon_shares, payment_id, auto_renew,
					auto_renew_months, auto_renew_days, since, next_reminder, next_attempt, ids_from, ids_to, failure_reason,
					paid_value, value_tracked, tick_attempts, tick_error, tick_retry_at, anchor, postpaid, intervals,
					closed_through, stopped_at, updated_at, name, times)
			WHERE r.id = u.id AND r.account_id = u.account_id
			RETURNING r.id`),
		listResources: r.Replace(`SELECT {res} FROM {resources} WHERE account_id = $1 ORDER BY seq LIMIT $2`),
		listResourcesAfter: r.Replace(`SELECT {res} FROM {resources}
			WHERE account_id = $1 AND seq > (SELECT seq FROM {resources} WHERE id = $2 AND account_id = $1)
			ORDER BY seq LIMIT $3`),
		resourceExists: r.Replace(`SELECT EXISTS (SELECT 1 FROM {resources} WHERE id = $1 AND account_id = $2)`),
		resourcesByOrder: r.Replace(`SELECT {res} FROM {resources} WHERE account_id = $1 AND order_id = $2
			ORDER BY seq`),
		// The range scan of resources_due: next_due_at IS NOT NULL
		// repeats the index predicate so that the planner uses the
		// partial index for any $1, generic plans included; the ORDER BY
		// is the index's order, so the scan stops after $2 entries.
		dueResources: r.Replace(`SELECT {res} FROM {resources}
			WHERE next_due_at IS NOT NULL AND next_due_at <= $1
			ORDER BY next_due_at, id LIMIT $2`),
		// The same scan, locking what it returns; SKIP LOCKED passes
		// over rows another worker claimed instead of waiting for its
		// transaction, so concurrent workers split the due resources.
		claimDueResources: r.Replace(`SELECT {res} FROM {resources}
			WHERE next_due_at IS NOT NULL AND next_due_at <= $1
			ORDER BY next_due_at, id LIMIT $2
			FOR UPDATE SKIP LOCKED`),

		// No conflict target: DO NOTHING covers the primary key and the
		// (series, number) constraint alike, so a taken id and a number
		// already used are both "0 rows".
		createInvoice: r.Replace(`INSERT INTO {invoices} ({inv})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
				$21, $22, $23, $24, $25, $26, $27, $28, $29, $30) ON CONFLICT DO NOTHING`),
		// The same insert from arrays, in order: the identity column
		// numbers the rows as the ordered SELECT yields them. The JSONB
		// columns come as text.
		createInvoices: r.Replace(`INSERT INTO {invoices} ({inv})
			SELECT u.id, u.account_id, u.resource_id, u.order_id, u.kind, u.status, u.series, u.number, u.currency, u.total,
				u.issued_at, u.tax_mode, u.subtotal, u.discount, u.net, u.tax, u.amount_paid, u.amount_credited, u.lines::jsonb,
				u.due_at, u.paid_at, u.voided_at, u.void_reason, u.credited_invoice_id, u.memo, u.seller::jsonb, u.buyer::jsonb,
				u.created_at, u.updated_at, u.coded_reason::jsonb
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
				$9::text[], $10::numeric[], $11::timestamptz[], $12::text[], $13::numeric[], $14::numeric[], $15::numeric[],
				$16::numeric[], $17::numeric[], $18::numeric[], $19::text[], $20::timestamptz[], $21::timestamptz[],
				$22::timestamptz[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[], $28::timestamptz[],
				$29::timestamptz[], $30::text[]) WITH ORDINALITY
				AS u (id, account_id, resource_id, order_id, kind, status, series, number, currency, total, issued_at, tax_mode,
					subtotal, discount, net, tax, amount_paid, amount_credited, lines, due_at, paid_at, voided_at, void_reason,
					credited_invoice_id, memo, seller, buyer, created_at, updated_at, coded_reason, ord)
			ORDER BY u.ord
			ON CONFLICT DO NOTHING
			RETURNING id`),
		getInvoice:          r.Replace(`SELECT {inv} FROM {invoices} WHERE id = $1 AND account_id = $2`),
		getInvoiceForUpdate: r.Replace(`SELECT {inv} FROM {invoices} WHERE id = $1 AND account_id = $2 FOR UPDATE`),
		// An UPDATE cannot skip a unique violation as an INSERT can, so
		// the statement first looks for another invoice holding the
		// number and updates nothing if there is one; it reports whether
		// the invoice exists, whether the number is taken and whether it
		// updated. A holder that is not committed yet is not seen: the
		// update then waits for it and fails with 23505 (ErrDuplicate,
		// which does abort the transaction). Numbers come from
		// NextNumber, whose lock makes that race a bug in the caller.
		updateInvoice: r.Replace(`WITH taken AS (
				SELECT EXISTS (SELECT 1 FROM {invoices} WHERE series = $7 AND number = $8 AND id <> $1) AS taken
			), updated AS (
				UPDATE {invoices} SET resource_id = $3, order_id = $4, kind = $5, status = $6,
					series = $7, number = $8, currency = $9, total = $10, issued_at = $11, tax_mode = $12,
					subtotal = $13, discount = $14, net = $15, tax = $16, amount_paid = $17, amount_credited = $18,
					lines = $19, due_at = $20, paid_at = $21, voided_at = $22, void_reason = $23,
					credited_invoice_id = $24, memo = $25, seller = $26, buyer = $27, updated_at = $28,
					coded_reason = $29
				WHERE id = $1 AND account_id = $2 AND NOT (SELECT taken FROM taken)
				RETURNING 1
			)
			SELECT EXISTS (SELECT 1 FROM {invoices} WHERE id = $1 AND account_id = $2),
				(SELECT taken FROM taken),
				EXISTS (SELECT 1 FROM updated)`),
		listInvoices: [2][2]string{
			{invoicePage(false, false), invoicePage(false, true)},
			{invoicePage(true, false), invoicePage(true, true)},
		},
		// Served by the partial index invoices_open, whose order this is:
		// the WHERE repeats its predicate and the ids compare in byte
		// order as its last column does, so the scan stops after $2 rows.
		openInvoices: r.Replace(`SELECT {inv} FROM {invoices}
			WHERE account_id = $1 AND kind = 'invoice' AND status IN ('issued', 'partially_paid')
			ORDER BY issued_at, id COLLATE "C" LIMIT $2`),
		invoiceExists: r.Replace(`SELECT EXISTS (SELECT 1 FROM {invoices} WHERE id = $1 AND account_id = $2)`),
		// The upsert creates the series at 1 or adds one, and keeps the
		// series row locked until the transaction ends: a concurrent
		// allocation waits, then adds one to the committed value (or,
		// after a rollback, to the value before it), so numbers are
		// unique and gapless.
		nextNumber: r.Replace(`INSERT INTO {series} (series, last) VALUES ($1, 1)
			ON CONFLICT (series) DO UPDATE SET last = {series}.last + 1
			RETURNING last`),
		// The same upsert moving the series on by $2 at once; the caller
		// owns last − $2 + 1 … last.
		nextNumbers: r.Replace(`INSERT INTO {series} (series, last) VALUES ($1, $2)
			ON CONFLICT (series) DO UPDATE SET last = {series}.last + $2
			RETURNING last`),

		// RETURNING gives no row when the id is taken.
		appendAction: r.Replace(`INSERT INTO {actions} (id, account_id, resource_id, kind, actor, at, old_configuration,
				new_configuration, old_start, old_end, new_start, new_end, invoice_id, note)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING RETURNING seq`),
		listActions: [2]string{
			r.Replace(`SELECT {act} FROM {actions} WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`),
			r.Replace(`SELECT {act} FROM {actions} WHERE account_id = $1 AND resource_id = $4 AND seq > $2
				ORDER BY seq LIMIT $3`),
		},

		appendEvents: r.Replace(`INSERT INTO {outbox} (id, account_id, stream, kind, payload, attempts, next_attempt_at,
				last_error, delivered_at, created_at)
			SELECT u.id, u.account_id, u.stream, u.kind, u.payload, u.attempts, u.next_attempt_at, u.last_error,
				u.delivered_at, u.created_at
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::integer[], $7::timestamptz[],
				$8::text[], $9::timestamptz[], $10::timestamptz[]) WITH ORDINALITY
				AS u (id, account_id, stream, kind, payload, attempts, next_attempt_at, last_error, delivered_at, created_at, ord)
			ORDER BY u.ord
			ON CONFLICT (id) DO NOTHING`),
		appendEvent: r.Replace(`INSERT INTO {outbox} (id, account_id, stream, kind, payload, attempts, next_attempt_at,
				last_error, delivered_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING seq`),
		// head is the oldest undelivered event of every stream: DISTINCT
		// ON over the partial index outbox_undelivered, whose (stream,
		// seq) order is the one DISTINCT ON needs, so it reads only the
		// undelivered backlog, never the delivered history. The time
		// filter comes after the choice of heads: a head that is backing
		// off holds back the rest of its stream.
		deliverable: r.Replace(`SELECT {ev} FROM (
				SELECT DISTINCT ON (stream) {ev} FROM {outbox}
				WHERE delivered_at IS NULL
				ORDER BY stream, seq
			) head
			WHERE next_attempt_at <= $1
			ORDER BY seq LIMIT $2`),
		// claimEvents chooses the heads as deliverable does, then locks
		// the due ones that no other token's running lease holds with
		// SKIP LOCKED, so a concurrent claim passes over what this one is
		// taking instead of waiting for it, and writes the lease on them.
		// The conditions on o are read again from the locked row version
		// (READ COMMITTED rechecks a row a committed claim changed), so
		// two claims never both take one event. A claimed head is still a
		// head: it holds back the rest of its stream.
		claimEvents: r.Replace(`WITH head AS (
				SELECT DISTINCT ON (stream) seq FROM {outbox}
				WHERE delivered_at IS NULL
				ORDER BY stream, seq
			), pick AS (
				SELECT o.seq AS claim_seq FROM {outbox} o JOIN head h ON h.seq = o.seq
				WHERE o.delivered_at IS NULL AND o.next_attempt_at <= $1
					AND (o.claimed_until IS NULL OR o.claimed_until <= $1 OR o.claim_token = $2)
				ORDER BY o.seq LIMIT $4
				FOR UPDATE OF o SKIP LOCKED
			)
			UPDATE {outbox} SET claim_token = $2, claimed_until = $3
			FROM pick WHERE seq = pick.claim_seq
			RETURNING {ev}`),
		getEventForUpdate: r.Replace(`SELECT {ev} FROM {outbox} WHERE seq = $1 FOR UPDATE`),
		updateEvent: r.Replace(`UPDATE {outbox} SET attempts = $2, next_attempt_at = $3, last_error = $4, delivered_at = $5,
				claim_token = $6, claimed_until = $7
			WHERE seq = $1`),
		listEvents: r.Replace(`SELECT {ev} FROM {outbox} WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`),
	}
}
