package pricing

import "slices"

// Clone returns a copy of p that shares no memory with it: stores keep
// prices by value and hand out copies a caller may change.
func (p Price) Clone() Price {
	if p.Parts != nil {
		parts := make([]PricePart, len(p.Parts))
		for i, part := range p.Parts {
			part.Breakdown = slices.Clone(part.Breakdown)
			part.Explain = cloneExplain(part.Explain)
			parts[i] = part
		}
		p.Parts = parts
	}
	return p
}

// Clone returns a copy of l that shares no memory with it.
func (l QuoteLine) Clone() QuoteLine {
	l.Configuration = l.Configuration.Clone()
	l.Price = l.Price.Clone()
	l.Discounts = slices.Clone(l.Discounts)
	l.Breakdown = slices.Clone(l.Breakdown)
	l.Explain = cloneExplain(l.Explain)
	return l
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
