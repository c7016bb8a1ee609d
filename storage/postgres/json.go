package postgres

// nullJSON is v as the argument of a nullable JSONB column: SQL NULL when
// present is false (an empty map or list, a value with nothing in it), so
// that what is absent is stored as absent rather than as JSON null or {}.
func nullJSON(present bool, v any) any {
	if !present {
		return nil
	}
	return v
}

// noneIfEmpty gives back nil for an empty list, so that a list read from a
// NOT NULL column comes back as the nil a caller stored.
func noneIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// emptyIfNone is s as the argument of a NOT NULL list column (text[], or a
// JSONB array): an empty list for none, so the column holds [] not NULL.
func emptyIfNone[S ~[]E, E any](s S) S {
	if s == nil {
		return S{}
	}
	return s
}
