package pricing

import (
	"slices"

	"github.com/cloudbill/cloudbill/invoice"
)

// Clone returns a copy of p that shares no memory with it: stores keep
// prices by value and hand out copies a caller may change.
func (p Price) Clone() Price {
	nStr, nDet := 0, 0
	for _, part := range p.Parts {
		nStr += len(part.Breakdown)
		nDet += len(part.Explain)
	}
	strs := make([]string, 0, nStr)
	dets := make([]invoice.Detail, 0, nDet)
	p.Parts = cloneParts(p.Parts, &strs, &dets)
	return p
}

// Clone returns a copy of l that shares no memory with it.
func (l QuoteLine) Clone() QuoteLine {
	// Every text of the line and of its price's parts is copied into one
	// new array, and every explanation into another, rather than one
	// array per list: stores copy a line on each read. Each list gets a
	// capacity of its own length, so appending to one never writes into
	// the next.
	nStr, nDet := len(l.Breakdown), len(l.Explain)
	for _, part := range l.Price.Parts {
		nStr += len(part.Breakdown)
		nDet += len(part.Explain)
	}
	strs := make([]string, 0, nStr)
	dets := make([]invoice.Detail, 0, nDet)
	l.Configuration = l.Configuration.Clone()
	l.Price.Parts = cloneParts(l.Price.Parts, &strs, &dets)
	l.Discounts = slices.Clone(l.Discounts)
	l.Breakdown = carve(&strs, l.Breakdown)
	l.Explain = carve(&dets, l.Explain)
	return l
}

// cloneParts copies parts, their texts into *strs and their explanations
// into *dets (see carve).
func cloneParts(parts []PricePart, strs *[]string, dets *[]invoice.Detail) []PricePart {
	if parts == nil {
		return nil
	}
	out := make([]PricePart, len(parts))
	for i, part := range parts {
		part.Breakdown = carve(strs, part.Breakdown)
		part.Explain = carve(dets, part.Explain)
		out[i] = part
	}
	return out
}

// carve appends s to *buf and returns the appended elements as a slice
// whose capacity ends with them; nil stays nil, as slices.Clone keeps it.
func carve[T any](buf *[]T, s []T) []T {
	if s == nil {
		return nil
	}
	start := len(*buf)
	*buf = append(*buf, s...)
	end := len(*buf)
	return (*buf)[start:end:end]
}

// Clone returns a copy of q that shares no memory with it.
func (q Quote) Clone() Quote {
	if q.Lines != nil {
		lines := make([]QuoteLine, len(q.Lines))
		for i, l := range q.Lines {
			lines[i] = l.Clone()
		}
		q.Lines = lines
	}
	q.Discounts = slices.Clone(q.Discounts)
	return q
}
