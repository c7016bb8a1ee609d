package lifecycle

import "slices"

// Clone returns a copy of v that shares no memory with it.
func (v PaidValue) Clone() PaidValue {
	v.Segments = slices.Clone(v.Segments)
	return v
}
