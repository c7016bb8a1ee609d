package memory

// put sets m[k] = v and records how to undo it. A new key's undo step
// holds only the key: the old value is captured (a copy as large as the
// record) only when there is one to restore.
func put[K comparable, V any](t *tx, m map[K]V, k K, v V) {
	if old, existed := m[k]; existed {
		restore := old // declared here, so only a replaced value is kept
		t.undo = append(t.undo, func() { m[k] = restore })
	} else {
		t.undo = append(t.undo, func() { delete(m, k) })
	}
	m[k] = v
}

// appendTo appends v to m[k] and records how to undo it.
func appendTo[K comparable, V any](t *tx, m map[K][]V, k K, v V) {
	m[k] = append(m[k], v)
	t.undo = append(t.undo, func() { m[k] = m[k][:len(m[k])-1] })
}
