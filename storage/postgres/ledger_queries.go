package postgres

import "strings"

// ledgerQueries are the statements of the ledger repository.
type ledgerQueries struct {
	appendEntry, getEntry, listEntries string
	balances, postingTotals, expiring  string
}

// entryColumns are read by scanEntries: the entry's columns repeated on each
// of its postings' rows, postings in idx order.
const entryColumns = `e.seq, e.id, e.account_id, e.kind, e.ref_type, e.ref_id, e.memo, e.at, e.currency, e.credit_after,
	p.ledger_account, p.amount, p.non_negative, p.expires_at`

const balanceColumns = "account_id, ledger_account, currency, amount, expires_at, updated_at"

func newLedgerQueries(t tables) ledgerQueries {
	r := strings.NewReplacer("{entries}", t.entries, "{postings}", t.postings, "{balances}", t.balances,
		"{entry}", entryColumns, "{bal}", balanceColumns)
	return ledgerQueries{
		// appendEntry is all of Ledger.Append in one statement, so one
		// round trip, and it never fails on the refusals a caller may
		// handle: it writes nothing and reports why instead, which keeps
		// the transaction usable, as the in-memory store does.
		//
		//   $1–$9   the entry: account_id, id, kind, ref_type, ref_id,
		//           memo, at, currency, credit_after
		//   $10–$13 the postings in order: ledger_account, amount,
		//           non_negative, expires_at
		//   $14–$17 the net change per ledger account, sorted by ledger
		//           account: ledger_account, amount, non_negative,
		//           expires_at
		//
		// locked takes the row locks of the balances that exist, in
		// ledger account order (FOR UPDATE in READ COMMITTED returns the
		// latest committed amounts). refused lists the ledger accounts
		// whose balance is in another currency or, guarded by the posting
		// or by the row, would go below zero; if there is any, or the
		// entry id is taken, nothing is inserted. applied then upserts
		// every balance in the same ledger account order, so two entries
		// of one tenant always wait for each other's rows in one
		// direction and cannot deadlock.
		//
		// The upsert checks the table's CHECK on the row it proposes to
		// insert before it finds the conflict, so the proposed row is
		// guarded only when its amount is not negative: a guarded debit
		// of an existing balance proposes an unguarded row, adds to the
		// stored one, and leaves its guard as it was (refused has already
		// checked it). A balance therefore becomes guarded when a guarded
		// posting creates it or credits it, and stays guarded.
		//
		// A balance row that a concurrent transaction creates after
		// locked ran is not in locked; the upsert then adds to it after
		// waiting for that transaction. The table's CHECK
		// (ledger_balances_non_negative) and the NULL that a currency
		// mismatch gives the NOT NULL amount are the backstops for that
		// race: the statement fails, and the error maps to
		// ErrNegativeBalance or ErrInvalidRecord.
		appendEntry: r.Replace(`WITH delta AS (
	SELECT * FROM unnest($14::text[], $15::numeric[], $16::boolean[], $17::timestamptz[])
		AS d (ledger_account, amount, non_negative, expires_at)
), dup AS (
	SELECT 1 FROM {entries} WHERE account_id = $1 AND id = $2
), locked AS (
	SELECT b.ledger_account, b.currency, b.amount, b.non_negative FROM {balances} b
	WHERE b.account_id = $1 AND b.ledger_account = ANY ($14::text[])
	ORDER BY b.ledger_account
	FOR UPDATE
), refused AS (
	SELECT d.ledger_account, l.currency IS NOT NULL AND l.currency <> $8 AS wrong_currency,
		COALESCE(l.amount, 0) + d.amount AS amount_after
	FROM delta d LEFT JOIN locked l ON l.ledger_account = d.ledger_account
	WHERE (l.currency IS NOT NULL AND l.currency <> $8)
		OR ((d.non_negative OR COALESCE(l.non_negative, false)) AND COALESCE(l.amount, 0) + d.amount < 0)
), entry AS (
	INSERT INTO {entries} (account_id, id, kind, ref_type, ref_id, memo, at, currency, credit_after)
	SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
	WHERE NOT EXISTS (SELECT 1 FROM dup) AND NOT EXISTS (SELECT 1 FROM refused)
	ON CONFLICT (account_id, id) DO NOTHING
	RETURNING seq
), postings AS (
	INSERT INTO {postings} (entry_seq, idx, account_id, ledger_account, amount, non_negative, expires_at)
	SELECT entry.seq, p.idx, $1, p.ledger_account, p.amount, p.non_negative, p.expires_at
	FROM entry, unnest($10::text[], $11::numeric[], $12::boolean[], $13::timestamptz[])
		WITH ORDINALITY AS p (ledger_account, amount, non_negative, expires_at, idx)
), applied AS (
	INSERT INTO {balances} AS b (account_id, ledger_account, currency, amount, non_negative, expires_at, updated_at)
	SELECT $1, d.ledger_account, $8, d.amount, d.non_negative AND d.amount >= 0, d.expires_at, $7
	FROM entry, delta d
	ORDER BY d.ledger_account
	ON CONFLICT (account_id, ledger_account) DO UPDATE SET
		amount = CASE WHEN b.currency = EXCLUDED.currency THEN b.amount + EXCLUDED.amount END,
		non_negative = b.non_negative OR EXCLUDED.non_negative,
		updated_at = EXCLUDED.updated_at
)
SELECT (SELECT seq FROM entry), EXISTS (SELECT 1 FROM dup), r.ledger_account, r.wrong_currency, r.amount_after
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (SELECT * FROM refused ORDER BY wrong_currency DESC, ledger_account LIMIT 1) r ON true`),

		getEntry: r.Replace(`SELECT {entry} FROM {entries} e JOIN {postings} p ON p.account_id = e.account_id AND p.entry_seq = e.seq
			WHERE e.account_id = $1 AND e.id = $2 ORDER BY p.idx`),
		// The limit applies to entries, not to posting rows.
		listEntries: r.Replace(`SELECT {entry}
			FROM (SELECT * FROM {entries} WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3) e
			JOIN {postings} p ON p.account_id = e.account_id AND p.entry_seq = e.seq
			ORDER BY e.seq, p.idx`),
		balances: r.Replace(`SELECT {bal} FROM {balances} WHERE account_id = $1 ORDER BY ledger_account`),
		// Totals come from the journal alone, never from the cache they
		// audit; the currency is each posting's entry's.
		postingTotals: r.Replace(`SELECT p.ledger_account, e.currency, sum(p.amount)
			FROM {postings} p JOIN {entries} e ON e.account_id = p.account_id AND e.seq = p.entry_seq
			WHERE p.account_id = $1
			GROUP BY p.ledger_account, e.currency
			ORDER BY p.ledger_account, e.currency`),
		expiring: r.Replace(`SELECT {bal} FROM {balances}
			WHERE expires_at IS NOT NULL AND expires_at <= $1 AND amount > 0
			ORDER BY expires_at, account_id, ledger_account LIMIT $2`),
	}
}
