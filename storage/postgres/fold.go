package postgres

import (
	"strings"
	"time"
)

// A transaction often creates a record and updates it before anything is
// read (an order placed and paid, a resource created and settled, in one
// checkout). When both writes are held back, the update is folded into
// the insert still waiting in the queue: one statement and one row
// version instead of two, with the same result — the row as the update
// leaves it, CreatedAt from the insert, a resource's Version as the
// update would have set it. Folding only happens while the insert has not
// been sent (a send empties the queue and the record of what it holds)
// and never across a savepoint's edge, so that rolling a savepoint back
// still undoes exactly its own writes.

// heldKey names a row inserted by a held-back write: its table (the
// quoted, schema-qualified name statements use), tenant and id.
type heldKey struct {
	table, accountID, id string
}

// heldInsert is a held-back insert still in the queue: its place there,
// the CreatedAt it writes, and how many updates were folded into it.
type heldInsert struct {
	idx       int
	createdAt time.Time
	updates   int
}

// holdInsert records that the statement just queued inserts the row k.
func (p *pipe) holdInsert(k heldKey, createdAt time.Time) {
	if p.held == nil {
		p.held = make(map[heldKey]*heldInsert)
	}
	p.held[k] = &heldInsert{idx: len(p.queued) - 1, createdAt: createdAt}
}

// heldInsertOf returns the queued insert of row k, or nil. A fold is a
// write: it ends what was read ahead, as the update's statement would.
func (p *pipe) heldInsertOf(k heldKey) *heldInsert {
	h := p.held[k]
	if h == nil || h.idx >= len(p.queued) {
		return nil
	}
	p.ahead = nil
	return h
}

// forgetHeld drops what is known of queued inserts: after a send, and at
// a savepoint's start and end.
func (p *pipe) forgetHeld() { p.held = nil }

// forgetHeldIn drops the queued inserts of every table a statement about
// to be queued names: an update folded into an insert later would
// otherwise take effect before that statement (another write of the same
// table, UpdateMany say), not after it.
func (p *pipe) forgetHeldIn(sql string) {
	for k := range p.held {
		if strings.Contains(sql, k.table) {
			delete(p.held, k)
		}
	}
}

// versionedResourceInsert is the resource insert with its version as the
// 38th parameter instead of 1, for an insert an update was folded into;
// "" when the statement does not have the expected shape (no folding of
// resources then).
func versionedResourceInsert(create string) string {
	const from, to = "VALUES ($1, $2, $3, 1, $4,", "VALUES ($1, $2, $3, $38, $4,"
	if strings.Count(create, from) != 1 || strings.Contains(create, "$38") {
		return ""
	}
	return strings.Replace(create, from, to, 1)
}
