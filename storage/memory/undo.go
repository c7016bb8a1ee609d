package memory

// put sets m[k] = v and records how to undo it.
func put[K comparable, V any](t *tx, m map[K]V, k K, v V) {
	old, existed := m[k]
	m[k] = v
	t.undo = append(t.undo, func() {
		if existed {
			m[k] = old
		} else {
			delete(m, k)
		}
	})
}

// appendTo appends v to m[k] and records how to undo it.
func appendTo[K comparable, V any](t *tx, m map[K][]V, k K, v V) {
	m[k] = append(m[k], v)
	t.undo = append(t.undo, func() { m[k] = m[k][:len(m[k])-1] })
}
