package memory

// The undo log is a stack of steps, one per write, taken back newest
// first on rollback. A write to a table (a map the store writes often: the
// records themselves and their indexes) logs what it replaced in the
// table's own typed log, which the store keeps from one transaction to the
// next, and its step only names the table: no closure and no copy of the
// record on the heap per write. Other writes log a closure.

// undoer is a table whose writes in the running transaction can be taken
// back, newest first.
type undoer interface {
	// undoLast restores what the table's newest logged write replaced and
	// drops it from the log.
	undoLast()
	// forgetLast drops the newest logged write from the log, keeping it.
	forgetLast()
}

// undoStep is one write's undo: a table's logged write, or a closure.
type undoStep struct {
	tb undoer
	fn func()
}

// maxKeptLog bounds the log a table (and the step stack a store) keeps
// for the next transaction: a larger one (a month-close page) is let go.
const maxKeptLog = 1024

// onUndo records fn as the undo of a write that is not to a table.
func (t *tx) onUndo(fn func()) { t.undo = append(t.undo, undoStep{fn: fn}) }

// table is a map with the log of its writes in the running transaction.
type table[K comparable, V any] struct {
	m   map[K]V
	log []logged[K, V]
}

// logged is a table write's undo: the key and what it held before.
type logged[K comparable, V any] struct {
	k       K
	old     V
	existed bool
}

func newTable[K comparable, V any]() *table[K, V] { return &table[K, V]{m: map[K]V{}} }

func (tb *table[K, V]) undoLast() {
	e := tb.log[len(tb.log)-1]
	if e.existed {
		tb.m[e.k] = e.old
	} else {
		delete(tb.m, e.k)
	}
	tb.forgetLast()
}

func (tb *table[K, V]) forgetLast() {
	n := len(tb.log) - 1
	tb.log[n] = logged[K, V]{} // keep no record alive
	tb.log = tb.log[:n]
	if n == 0 && cap(tb.log) > maxKeptLog {
		tb.log = nil
	}
}

// set is put for a table.
func set[K comparable, V any](t *tx, tb *table[K, V], k K, v V) {
	old, existed := tb.m[k]
	tb.log = append(tb.log, logged[K, V]{k: k, old: old, existed: existed})
	tb.m[k] = v
	t.undo = append(t.undo, undoStep{tb: tb})
}

// lists is a map of append-only lists (an index in creation order) with
// the log of its appends in the running transaction.
type lists[K comparable, V any] struct {
	m   map[K][]V
	log []K
}

func newLists[K comparable, V any]() *lists[K, V] { return &lists[K, V]{m: map[K][]V{}} }

func (l *lists[K, V]) undoLast() {
	k := l.log[len(l.log)-1]
	l.m[k] = l.m[k][:len(l.m[k])-1]
	l.forgetLast()
}

func (l *lists[K, V]) forgetLast() {
	n := len(l.log) - 1
	var zero K
	l.log[n] = zero
	l.log = l.log[:n]
	if n == 0 && cap(l.log) > maxKeptLog {
		l.log = nil
	}
}

// add is appendTo for lists.
func add[K comparable, V any](t *tx, l *lists[K, V], k K, v V) {
	l.m[k] = append(l.m[k], v)
	l.log = append(l.log, k)
	t.undo = append(t.undo, undoStep{tb: l})
}

// put sets m[k] = v and records how to undo it. A new key's undo step
// holds only the key: the old value is captured (a copy as large as the
// record) only when there is one to restore.
func put[K comparable, V any](t *tx, m map[K]V, k K, v V) {
	if old, existed := m[k]; existed {
		restore := old // declared here, so only a replaced value is kept
		t.onUndo(func() { m[k] = restore })
	} else {
		t.onUndo(func() { delete(m, k) })
	}
	m[k] = v
}

// appendTo appends v to m[k] and records how to undo it.
func appendTo[K comparable, V any](t *tx, m map[K][]V, k K, v V) {
	m[k] = append(m[k], v)
	t.onUndo(func() { m[k] = m[k][:len(m[k])-1] })
}
