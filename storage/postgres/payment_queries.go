package postgres

import "strings"

// paymentQueries are the statements of the payment, gateway event, linked
// account and payment link repositories.
type paymentQueries struct {
	createPayment, getPayment, getPaymentForUpdate, lookupPaymentForUpdate, updatePayment string
	listPayments, listPaymentsAfter, paymentExists, expiryDue, retryDue                   string
	recordEvent                                                                           string
	createLinked, getLinked, lookupLinkedForUpdate, updateLinked, listLinked              string
	createLink, getLinkForUpdate, updateLink                                              string
}

const paymentColumns = `id, account_id, purpose, purpose_ref, method, status, currency, amount, from_credit, from_gateway, refunded,
	gateway, gateway_ref, redirect_url, linked_account_id, failure_reason, description, expires_at, created_at, updated_at, version,
	attempts, last_error, retry_at, query_attempts`

const linkedColumns = "id, account_id, gateway, status, token, display, is_default, created_at, updated_at"

const linkColumns = "token, account_id, currency, amount, purpose, purpose_ref, description, status, payment_id, expires_at, created_at, updated_at"

func newPaymentQueries(t tables) paymentQueries {
	r := strings.NewReplacer("{payments}", t.payments, "{events}", t.events, "{linked}", t.linked, "{links}", t.links,
		"{pay}", paymentColumns, "{la}", linkedColumns, "{link}", linkColumns)
	return paymentQueries{
		// Every insert claims its key with ON CONFLICT DO NOTHING: a
		// duplicate is "0 rows", which keeps the transaction usable, and
		// a concurrent uncommitted insert of the same key is waited for.
		createPayment: r.Replace(`INSERT INTO {payments} ({pay})
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 1, $21, $22, $23, $24)
			ON CONFLICT (id) DO NOTHING`),
		getPayment:             r.Replace(`SELECT {pay} FROM {payments} WHERE id = $1 AND account_id = $2`),
		getPaymentForUpdate:    r.Replace(`SELECT {pay} FROM {payments} WHERE id = $1 AND account_id = $2 FOR UPDATE`),
		lookupPaymentForUpdate: r.Replace(`SELECT {pay} FROM {payments} WHERE id = $1 FOR UPDATE`),
		// created_at is not in the SET list, so it is kept; version is
		// incremented by the database, not from the caller's copy.
		updatePayment: r.Replace(`UPDATE {payments} SET
			purpose = $3, purpose_ref = $4, method = $5, status = $6, currency = $7,
			amount = $8, from_credit = $9, from_gateway = $10, refunded = $11,
			gateway = $12, gateway_ref = $13, redirect_url = $14, linked_account_id = $15,
			failure_reason = $16, description = $17, expires_at = $18, updated_at = $19,
			attempts = $20, last_error = $21, retry_at = $22, query_attempts = $23,
			version = version + 1
			WHERE id = $1 AND account_id = $2
			RETURNING {pay}`),
		listPayments: r.Replace(`SELECT {pay} FROM {payments} WHERE account_id = $1
			ORDER BY created_at DESC, id DESC LIMIT $2`),
		// Keyset paging: the page starts after the cursor's (created_at,
		// id), read in the same statement. An unknown cursor makes the
		// comparison NULL and the page empty; paymentExists then tells
		// an unknown cursor from the end of the list.
		listPaymentsAfter: r.Replace(`SELECT {pay} FROM {payments}
			WHERE account_id = $1
			AND (created_at, id) < (SELECT created_at, id FROM {payments} WHERE id = $2 AND account_id = $1)
			ORDER BY created_at DESC, id DESC LIMIT $3`),
		paymentExists: r.Replace(`SELECT EXISTS (SELECT 1 FROM {payments} WHERE id = $1 AND account_id = $2)`),
		// The range scans of the partial indexes payments_open_expiry and
		// payments_created: each WHERE repeats its index's predicate so
		// that the planner uses it for any parameters, generic plans
		// included, and each ORDER BY is its index's order, so the scan
		// stops after the page. The retry_at tests filter the few
		// payments backing off after a failure.
		expiryDue: r.Replace(`SELECT {pay} FROM {payments}
			WHERE status IN ('created', 'pending') AND expires_at <= $1
			AND (retry_at IS NULL OR retry_at <= $1)
			ORDER BY expires_at, id LIMIT $2`),
		retryDue: r.Replace(`SELECT {pay} FROM {payments}
			WHERE status = 'created' AND expires_at > $1
			AND (retry_at <= $1 OR (retry_at IS NULL AND created_at <= $2))
			ORDER BY created_at, id LIMIT $3`),

		recordEvent: r.Replace(`INSERT INTO {events} (gateway, event_id, applied_at) VALUES ($1, $2, $3)
			ON CONFLICT (gateway, event_id) DO NOTHING`),

		createLinked: r.Replace(`INSERT INTO {linked} ({la}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (id) DO NOTHING`),
		getLinked:             r.Replace(`SELECT {la} FROM {linked} WHERE id = $1 AND account_id = $2`),
		lookupLinkedForUpdate: r.Replace(`SELECT {la} FROM {linked} WHERE id = $1 FOR UPDATE`),
		updateLinked: r.Replace(`UPDATE {linked} SET gateway = $3, status = $4, token = $5, display = $6,
			is_default = $7, updated_at = $8 WHERE id = $1 AND account_id = $2`),
		listLinked: r.Replace(`SELECT {la} FROM {linked} WHERE account_id = $1 AND status <> 'removed'
			ORDER BY created_at, seq`),

		createLink: r.Replace(`INSERT INTO {links} ({link}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (token) DO NOTHING`),
		getLinkForUpdate: r.Replace(`SELECT {link} FROM {links} WHERE token = $1 FOR UPDATE`),
		updateLink: r.Replace(`UPDATE {links} SET currency = $3, amount = $4, purpose = $5, purpose_ref = $6,
			description = $7, status = $8, payment_id = $9, expires_at = $10, updated_at = $11
			WHERE token = $1 AND account_id = $2`),
	}
}
