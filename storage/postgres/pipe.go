package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cloudbill/cloudbill/storage"
)

// pipe is the connection of one transaction, with the statements it holds
// back. BEGIN is not sent on its own: it is queued and goes out with the
// transaction's first statement, so a transaction that sends nothing costs
// no round trip at all. Writes made under storage.DeferWrites are queued
// too (see tx.write) and go out, in order, in the same pgx batch as the
// next statement that needs an answer, or with COMMIT. A batch carries one
// Sync, so a failing statement makes the server skip everything after it
// in the batch (COMMIT included): the transaction is aborted and InTx rolls
// it back.
type pipe struct {
	conn   *pgxpool.Conn
	queued []queued
	// open says BEGIN was queued: the transaction must be ended.
	open bool
	// sent says BEGIN reached the server: ending the transaction takes a
	// ROLLBACK or COMMIT statement.
	sent bool
	// savepoints numbers the savepoints taken, so their names are unique.
	savepoints int
	// lostClaim is the idempotency record a held-back claim lost to, as
	// the claim's statement read it; the next Get of its key returns it.
	lostClaim *storage.IdempotencyRecord
	// ahead are the reads sent ahead (storage.ReadAhead) and not yet used;
	// any statement that is not one of them drops them (see takeAhead).
	ahead []*ahead
	// writes counts the statements sent or held back that may have
	// written (a lost idempotency claim is taken back); endWithAhead says
	// the reads ahead were named the transaction's last
	// (storage.LastReads), and ended that the transaction was ended with
	// them: nothing but those reads may follow.
	writes       int
	endWithAhead bool
	ended        bool
	// held are the held-back inserts still queued that a held-back update
	// of the same row may be folded into (see fold.go).
	held map[heldKey]*heldInsert
}

// errEnded is the error of a statement after the transaction ended with
// its last reads.
func errEnded() error {
	return fmt.Errorf("postgres: the transaction ended with its last reads: %w", storage.ErrTxDone)
}

// queued is a statement held back; read reads its result from the batch
// and maps it to the error the statement's own call would have returned
// (nil when it did what it should).
type queued struct {
	sql  string
	args []any
	read func(pgx.BatchResults) error
	// early marks a statement whose failure the server does not see (a
	// check of its result in Go): it must be read before COMMIT is sent.
	early bool
}

// queue holds sql back until the next statement or the commit; done maps
// its command tag and error.
func (p *pipe) queue(sql string, args []any, done func(pgconn.CommandTag, error) error) {
	p.queueRead(sql, args, func(br pgx.BatchResults) error {
		tag, err := br.Exec()
		return done(tag, err)
	})
}

// hasEarly reports whether a queued statement must be read before COMMIT.
func (p *pipe) hasEarly() bool {
	for _, q := range p.queued {
		if q.early {
			return true
		}
	}
	return false
}

// queueRead holds back sql, whose result read reads from the batch. A
// statement held back is a write (reads go ahead by queueAhead): it ends
// what was read ahead.
func (p *pipe) queueRead(sql string, args []any, read func(pgx.BatchResults) error) {
	p.ahead = nil
	p.writes++
	p.forgetHeldIn(sql)
	p.enqueue(sql, args, read)
}

// enqueue adds sql to the statements held back.
func (p *pipe) enqueue(sql string, args []any, read func(pgx.BatchResults) error) {
	p.queued = append(p.queued, queued{sql: sql, args: args, read: read})
}

// plainDone is the result check of a statement whose only failure is an
// error from the server.
func plainDone(_ pgconn.CommandTag, err error) error { return err }

// begin queues the transaction's BEGIN.
func (p *pipe) begin(sql string) {
	p.open = true
	p.enqueue(sql, nil, func(br pgx.BatchResults) error {
		_, err := br.Exec()
		return err
	})
}

// send sends the queued statements followed by b's (b may be nil) in one
// batch and reads the queued statements' results. On success the results
// of b are next in the returned BatchResults, which the caller closes. On
// a queued statement's failure the batch is closed and its error returned.
func (p *pipe) send(ctx context.Context, b *pgx.Batch) (pgx.BatchResults, error) {
	n := len(p.queued)
	all := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, n+batchLen(b))}
	for _, q := range p.queued {
		all.Queue(q.sql, q.args...)
	}
	if b != nil {
		all.QueuedQueries = append(all.QueuedQueries, b.QueuedQueries...)
	}
	qs := p.queued
	p.queued = p.queued[:0:0]
	p.forgetHeld()
	if p.open {
		p.sent = true
	}
	br := p.conn.SendBatch(ctx, all)
	for _, q := range qs {
		if err := q.read(br); err != nil {
			_ = br.Close()
			return nil, err
		}
	}
	return br, nil
}

func batchLen(b *pgx.Batch) int {
	if b == nil {
		return 0
	}
	return b.Len()
}

// flush sends whatever is queued, in one round trip; nothing when the
// queue is empty.
func (p *pipe) flush(ctx context.Context) error {
	if len(p.queued) == 0 {
		return nil
	}
	br, err := p.send(ctx, nil)
	if err != nil {
		return err
	}
	return br.Close()
}

// Exec runs sql after the queued statements, in the same round trip.
func (p *pipe) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.ahead = nil
	if p.ended {
		return pgconn.CommandTag{}, errEnded()
	}
	p.writes++
	if len(p.queued) == 0 {
		return p.conn.Exec(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	br, err := p.send(ctx, b)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return tag, err
}

// Query runs sql after the queued statements, in the same round trip.
func (p *pipe) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if rows, err := p.takeAhead(ctx, sql, args); rows != nil || err != nil {
		return rows, err
	}
	if p.ended {
		return nil, errEnded()
	}
	p.writes++ // a query may write (INSERT … RETURNING)
	if len(p.queued) == 0 {
		return p.conn.Query(ctx, sql, args...)
	}
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	br, err := p.send(ctx, b)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs sql after the queued statements, in the same round trip.
func (p *pipe) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := p.Query(ctx, sql, args...)
	if err != nil {
		return errRow{err}
	}
	return batchRow{rows}
}

// SendBatch sends the queued statements and then b's, in one round trip.
func (p *pipe) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	p.ahead = nil
	if p.ended {
		return errBatch{errEnded()}
	}
	p.writes++
	br, err := p.send(ctx, b)
	if err != nil {
		return errBatch{err}
	}
	return br
}

// Conn returns the connection for what the batch cannot carry (COPY),
// once the queued statements are sent.
func (p *pipe) Conn(ctx context.Context) (*pgx.Conn, error) {
	p.ahead = nil
	if p.ended {
		return nil, errEnded()
	}
	p.writes++
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.Conn(), nil
}

// commit sends the queued statements, which end with COMMIT. A
// transaction that sent nothing and queued nothing but BEGIN and COMMIT
// sends nothing.
func (p *pipe) commit(ctx context.Context) error {
	if !p.sent && len(p.queued) == 2 {
		p.queued, p.open = nil, false
		return nil
	}
	p.open = false
	return p.flush(ctx)
}

// rollback drops the queue and ends the transaction the server holds, if
// any: when BEGIN never left the client there is nothing to end.
func (p *pipe) rollback(ctx context.Context) error {
	p.queued, p.open = nil, false
	if !p.sent {
		return nil
	}
	pg := p.conn.Conn().PgConn()
	if pg.IsClosed() || pg.TxStatus() == 'I' {
		return nil
	}
	_, err := p.conn.Exec(ctx, "rollback")
	return err
}

// batchRows closes its batch with the rows, reporting the batch's error
// when the rows had none.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	if err := r.br.Close(); err != nil && r.Rows.Err() == nil {
		r.err = err
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// batchRow is the first row of rows, as QueryRow gives it: no row is
// pgx.ErrNoRows.
type batchRow struct{ rows pgx.Rows }

func (r batchRow) Scan(dest ...any) error {
	defer r.rows.Close()
	if !r.rows.Next() {
		r.rows.Close()
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// errBatch is the BatchResults of a batch whose queued statements failed.
type errBatch struct{ err error }

func (b errBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b errBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b errBatch) QueryRow() pgx.Row                { return errRow(b) }
func (b errBatch) Close() error                     { return b.err }
func (b errBatch) Tx() pgx.Tx                       { return nil }

// beginSQL is the BEGIN statement of a transaction with opts.
func beginSQL(opts pgx.TxOptions) string {
	if opts.IsoLevel == "" {
		return "begin"
	}
	return fmt.Sprintf("begin isolation level %s", opts.IsoLevel)
}

// isCommitRollback reports whether tag is a COMMIT's answer that the
// transaction was rolled back instead.
func isCommitRollback(tag pgconn.CommandTag) bool { return tag.String() == "ROLLBACK" }
