package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cloudbill/cloudbill/storage"
)

// ReadAhead queues reads to go out with the transaction's next statement,
// in the same batch (see storage.ReadAheader): each is the statement its
// repository method would send, with the same arguments, so that the
// method, called next, finds its answer already read. A read its method
// would answer without the server (a key that cannot exist) is not sent.
func (t *tx) ReadAhead(ctx context.Context, reads ...storage.Read) {
	if t.check(ctx) != nil {
		return
	}
	for _, r := range reads {
		if sql, args, ok := t.aheadStatement(r); ok {
			t.pg.queueAhead(sql, args)
		}
	}
	if storage.ReadsAreLast(ctx) && len(t.pg.ahead) > 0 {
		t.pg.endWithAhead = true
	}
}

// aheadStatement is the statement and the arguments r's repository method
// sends, or false when that method sends none for them.
func (t *tx) aheadStatement(r storage.Read) (string, []string, bool) {
	q := t.s.q
	keys := possibleKey(r.AccountID) && possibleKey(r.ID)
	switch r.Kind {
	case storage.ReadKindAccount:
		return q.getAccount, []string{r.ID}, possibleID(r.ID)
	case storage.ReadKindAccountForUpdate:
		return q.getAccountForUpdate, []string{r.ID}, possibleID(r.ID)
	case storage.ReadKindOrder:
		return q.orders.getOrder, []string{r.ID, r.AccountID}, keys
	case storage.ReadKindOrderForUpdate:
		return q.orders.getOrderForUpdate, []string{r.ID, r.AccountID}, keys
	case storage.ReadKindInvoiceForUpdate:
		return q.resources.getInvoiceForUpdate, []string{r.ID, r.AccountID}, keys
	case storage.ReadKindPayment:
		return q.payments.getPayment, []string{r.ID, r.AccountID}, keys
	case storage.ReadKindBalances:
		return q.ledger.balances, []string{r.AccountID}, storable(r.AccountID)
	case storage.ReadKindResourcesByOrder:
		return q.resources.resourcesByOrder, []string{r.AccountID, r.ID}, possibleKey(r.AccountID) && storable(r.ID)
	}
	return "", nil, false
}

// ahead is a read sent ahead and, once its batch was read, its rows.
type ahead struct {
	key  string
	done bool
	res  aheadResult
}

// aheadResult is a statement's answer as it came: the columns, the rows'
// raw values (copied out of the connection's buffer) and the command tag.
type aheadResult struct {
	fields []pgconn.FieldDescription
	rows   [][][]byte
	tag    pgconn.CommandTag
}

// aheadKey identifies a statement by its text and its arguments, or
// false when an argument is not a string (no read ahead has such one).
func aheadKey(sql string, args []any) (string, bool) {
	var b strings.Builder
	b.Grow(len(sql) + 16*len(args))
	b.WriteString(sql)
	for _, a := range args {
		s, ok := a.(string)
		if !ok {
			return "", false
		}
		b.WriteByte(0)
		b.WriteString(s)
	}
	return b.String(), true
}

// queueAhead holds back sql as a read ahead: its rows are kept for the
// query that asks for them (see takeAhead).
func (p *pipe) queueAhead(sql string, args []string) {
	anyArgs := make([]any, len(args))
	for i, s := range args {
		anyArgs[i] = s
	}
	key, _ := aheadKey(sql, anyArgs)
	a := &ahead{key: key}
	p.enqueue(sql, anyArgs, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		a.res, err = bufferRows(rows)
		a.done = err == nil
		return err
	})
	p.ahead = append(p.ahead, a)
}

// bufferRows reads rows to the end, copying what the connection will
// reuse.
func bufferRows(rows pgx.Rows) (aheadResult, error) {
	defer rows.Close()
	res := aheadResult{fields: append([]pgconn.FieldDescription(nil), rows.FieldDescriptions()...)}
	for rows.Next() {
		raw := rows.RawValues()
		row := make([][]byte, len(raw))
		for i, v := range raw {
			if v != nil {
				row[i] = append(make([]byte, 0, len(v)), v...)
			}
		}
		res.rows = append(res.rows, row)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return aheadResult{}, err
	}
	res.tag = rows.CommandTag()
	return res, nil
}

// takeAhead returns the rows read ahead for sql with args and drops every
// other read ahead not yet used: a statement that was not read ahead ends
// what reading ahead promised. The read's batch is sent first if it is
// still queued. No match is (nil, nil).
func (p *pipe) takeAhead(ctx context.Context, sql string, args []any) (pgx.Rows, error) {
	if len(p.ahead) == 0 {
		return nil, nil
	}
	key, ok := aheadKey(sql, args)
	var hit *ahead
	for i, a := range p.ahead {
		if ok && a.key == key {
			hit = a
			p.ahead = append(p.ahead[:i:i], p.ahead[i+1:]...)
			break
		}
	}
	if hit == nil {
		p.ahead = nil
		return nil, nil
	}
	if !hit.done {
		ending := p.endWithAhead && p.writes == 0
		if ending {
			// The transaction wrote nothing and says these reads are its
			// last: it ends in their round trip (a transaction that
			// wrote nothing commits nothing, so ROLLBACK is its end).
			p.enqueue("rollback", nil, func(br pgx.BatchResults) error {
				_, err := br.Exec()
				if err == nil {
					p.ended, p.open = true, false
				}
				return err
			})
		}
		err := p.flush(ctx)
		if ending && !p.ended && p.conn.Conn().PgConn().TxStatus() == 'I' {
			// The ROLLBACK ran though its answer was not read.
			p.ended, p.open = true, false
		}
		p.dropLostAhead()
		if err != nil {
			return nil, err
		}
		if !hit.done {
			return nil, nil // not read after all: the query goes to the server
		}
	}
	return &aheadRows{m: p.conn.Conn().TypeMap(), res: hit.res}, nil
}

// dropLostAhead forgets, after a batch was sent, the reads ahead it did
// not read (a statement before them failed): every send empties the
// queue, so a read ahead not done by then never will be, and its call
// goes to the server.
func (p *pipe) dropLostAhead() {
	kept := p.ahead[:0]
	for _, a := range p.ahead {
		if a.done {
			kept = append(kept, a)
		}
	}
	clear(p.ahead[len(kept):])
	p.ahead = kept
}

// aheadRows are the rows of a read ahead, as pgx.Rows: Scan decodes the
// raw values with the connection's type map, as the connection would
// have.
type aheadRows struct {
	m      *pgtype.Map
	res    aheadResult
	i      int // the current row is res.rows[i-1]
	closed bool
	err    error
}

func (r *aheadRows) Close()                                       { r.closed = true }
func (r *aheadRows) Err() error                                   { return r.err }
func (r *aheadRows) CommandTag() pgconn.CommandTag                { return r.res.tag }
func (r *aheadRows) FieldDescriptions() []pgconn.FieldDescription { return r.res.fields }
func (r *aheadRows) Conn() *pgx.Conn                              { return nil }
func (r *aheadRows) TypeMap() *pgtype.Map                         { return r.m }

func (r *aheadRows) Next() bool {
	if r.closed || r.err != nil || r.i >= len(r.res.rows) {
		r.closed = true
		return false
	}
	r.i++
	return true
}

func (r *aheadRows) RawValues() [][]byte {
	if r.i == 0 || r.i > len(r.res.rows) {
		return nil
	}
	return r.res.rows[r.i-1]
}

func (r *aheadRows) Scan(dest ...any) error {
	raw := r.RawValues()
	if raw == nil {
		return r.fatal(errors.New("postgres: scan without a current row"))
	}
	if len(dest) == 1 {
		if rs, ok := dest[0].(pgx.RowScanner); ok {
			if err := rs.ScanRow(r); err != nil {
				return r.fatal(err)
			}
			return nil
		}
	}
	if len(dest) != len(r.res.fields) {
		return r.fatal(fmt.Errorf("postgres: %d columns scanned into %d destinations", len(r.res.fields), len(dest)))
	}
	for i, d := range dest {
		if d == nil {
			continue
		}
		f := r.res.fields[i]
		if err := r.m.Scan(f.DataTypeOID, f.Format, raw[i], d); err != nil {
			return r.fatal(pgx.ScanArgError{ColumnIndex: i, FieldName: f.Name, Err: err})
		}
	}
	return nil
}

func (r *aheadRows) Values() ([]any, error) {
	raw := r.RawValues()
	if raw == nil {
		return nil, errors.New("postgres: values without a current row")
	}
	vals := make([]any, len(raw))
	for i, v := range raw {
		if v == nil {
			continue
		}
		f := r.res.fields[i]
		dt, ok := r.m.TypeForOID(f.DataTypeOID)
		if !ok {
			if f.Format == pgx.TextFormatCode {
				vals[i] = string(v)
			} else {
				vals[i] = append([]byte(nil), v...)
			}
			continue
		}
		val, err := dt.Codec.DecodeValue(r.m, f.DataTypeOID, f.Format, v)
		if err != nil {
			return nil, r.fatal(err)
		}
		vals[i] = val
	}
	return vals, nil
}

// fatal ends the rows with err, as pgx's rows do on a scan failure.
func (r *aheadRows) fatal(err error) error {
	if r.err == nil {
		r.err = err
	}
	r.closed = true
	return err
}
