package memory

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cloudbill/cloudbill/storage"
)

// resourceState holds resources, invoices, the action log and the outbox.
type resourceState struct {
	resources   *table[string, storage.Resource]
	resourcesBy *lists[string, string]    // tenant → ids, creation order
	byOrder     *lists[[2]string, string] // (tenant, order) → ids, creation order
	// due indexes resources by NextDueAt so Due costs what is due, not
	// what exists.
	due        *dueIndex
	invoices   *table[string, storage.Invoice]
	invoicesBy *lists[string, string] // tenant → ids, creation order
	numbers    map[string]int64       // series → last number
	issued     *table[string, string] // "series/number" → invoice id
	actions    map[string][]storage.Action
	actionIDs  map[string]bool
	actionSeq  int64
	events     []storage.Event // Seq order; Seq = index + 1
	// pending is the index of the first undelivered event (or a lower one):
	// everything before it is delivered, so Deliverable starts there
	// instead of at the beginning of history.
	pending  int
	eventIDs *table[string, bool]
}

func newResourceState() resourceState {
	return resourceState{
		resources: newTable[string, storage.Resource](), resourcesBy: newLists[string, string](), byOrder: newLists[[2]string, string](),
		due: newDueIndex(), invoices: newTable[string, storage.Invoice](), invoicesBy: newLists[string, string](),
		numbers: map[string]int64{}, issued: newTable[string, string](),
		actions: map[string][]storage.Action{}, actionIDs: map[string]bool{}, eventIDs: newTable[string, bool](),
	}
}

func cloneResource(r storage.Resource) storage.Resource {
	return r.Clone()
}

type resources struct{ t *tx }

func (r resources) Create(ctx context.Context, res storage.Resource) error {
	if err := r.t.check(ctx); err != nil {
		return err
	}
	if res.ID == "" || res.AccountID == "" || res.Status == "" {
		return fmt.Errorf("memory: resource without id, account or status: %w", storage.ErrInvalidRecord)
	}
	s := &r.t.data.resources
	if _, ok := s.resources.m[res.ID]; ok {
		return fmt.Errorf("memory: resource %q: %w", res.ID, storage.ErrDuplicate)
	}
	res = cloneResource(res)
	res.Version = 1
	set(r.t, s.resources, res.ID, res)
	add(r.t, s.resourcesBy, res.AccountID, res.ID)
	add(r.t, s.byOrder, [2]string{res.AccountID, res.OrderID}, res.ID)
	r.reindex(res.ID, time.Time{}, res.NextDueAt)
	return nil
}

// reindex moves a resource in the due index and records the undo.
func (r resources) reindex(id string, from, to time.Time) {
	r.t.data.resources.due.record(r.t, id, from, to)
}

func (r resources) Get(ctx context.Context, accountID, id string) (storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Resource{}, err
	}
	res, ok := r.t.data.resources.resources.m[id]
	if !ok || res.AccountID != accountID {
		return storage.Resource{}, fmt.Errorf("memory: resource %q: %w", id, storage.ErrNotFound)
	}
	return cloneResource(res), nil
}

func (r resources) GetForUpdate(ctx context.Context, accountID, id string) (storage.Resource, error) {
	return r.Get(ctx, accountID, id)
}

func (r resources) Update(ctx context.Context, res storage.Resource) (storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return storage.Resource{}, err
	}
	stored, err := r.update(res)
	if err != nil {
		return storage.Resource{}, err
	}
	return cloneResource(stored), nil
}

// update stores a copy of res over the resource and returns the stored
// value itself (the caller clones it before handing it out).
func (r resources) update(res storage.Resource) (storage.Resource, error) {
	s := &r.t.data.resources
	old, ok := s.resources.m[res.ID]
	if !ok || old.AccountID != res.AccountID {
		return storage.Resource{}, fmt.Errorf("memory: resource %q: %w", res.ID, storage.ErrNotFound)
	}
	if res.Status == "" {
		return storage.Resource{}, fmt.Errorf("memory: resource %q without status: %w", res.ID, storage.ErrInvalidRecord)
	}
	res.ResourceDetail = keepResourceDetail(old.ResourceDetail, res.ResourceDetail) // a copy: see share.go
	res.CreatedAt, res.Version = old.CreatedAt, old.Version+1
	set(r.t, s.resources, res.ID, res)
	if res.OrderID != old.OrderID {
		add(r.t, s.byOrder, [2]string{res.AccountID, res.OrderID}, res.ID)
	}
	r.reindex(res.ID, old.NextDueAt, res.NextDueAt)
	return res, nil
}

func (r resources) List(ctx context.Context, accountID, afterID string, limit int) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	ids := s.resourcesBy.m[accountID]
	i := 0
	if afterID != "" {
		i = slices.Index(ids, afterID) + 1
		if i == 0 {
			return nil, fmt.Errorf("memory: resource cursor %q: %w", afterID, storage.ErrNotFound)
		}
	}
	var out []storage.Resource
	for ; i < len(ids) && len(out) < limit; i++ {
		out = append(out, cloneResource(s.resources.m[ids[i]]))
	}
	return out, nil
}

func (r resources) ListByOrder(ctx context.Context, accountID, orderID string) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	// A recovered resource moves to its new order: the index lists every
	// order it belonged to, the record says which it belongs to now.
	var out []storage.Resource
	for _, id := range s.byOrder.m[[2]string{accountID, orderID}] {
		if res := s.resources.m[id]; res.OrderID == orderID {
			out = append(out, cloneResource(res))
		}
	}
	return out, nil
}

func (r resources) Due(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	if err := r.t.check(ctx); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s := &r.t.data.resources
	ids := s.due.upTo(t, limit)
	if len(ids) == 0 {
		return nil, nil
	}
	out := make([]storage.Resource, len(ids)) // a page of 1.3 kB records: grown once
	for i, id := range ids {
		out[i] = cloneResource(s.resources.m[id])
	}
	return out, nil
}

// ClaimDue is Due: transactions of this store run one after the other, so
// no other transaction can hold a due resource while this one runs.
func (r resources) ClaimDue(ctx context.Context, t time.Time, limit int) ([]storage.Resource, error) {
	return r.Due(ctx, t, limit)
}

// dueIndex finds resources by NextDueAt in time proportional to what is
// due: a min-heap of (due time, id) with lazy deletion — moving a resource
// pushes its new key and leaves the old one to be discarded when it
// surfaces (cur says which key is live) — rebuilt when stale keys pile up.
type dueIndex struct {
	heap dueHeap
	cur  map[string]time.Time
	// log is the moves of the running transaction, for undo (see
	// undo.go).
	log []dueMove
}

// dueMove is one move of an id in a due index.
type dueMove struct {
	id       string
	from, to time.Time
}

// record moves id and logs the move in t's undo log.
func (d *dueIndex) record(t *tx, id string, from, to time.Time) {
	d.move(id, from, to)
	d.log = append(d.log, dueMove{id: id, from: from, to: to})
	t.undo = append(t.undo, undoStep{tb: d})
}

func (d *dueIndex) undoLast() {
	m := d.log[len(d.log)-1]
	d.move(m.id, m.to, m.from)
	d.forgetLast()
}

func (d *dueIndex) forgetLast() {
	n := len(d.log) - 1
	d.log[n] = dueMove{}
	d.log = d.log[:n]
	if n == 0 && cap(d.log) > maxKeptLog {
		d.log = nil
	}
}

type dueKey struct {
	at time.Time
	id string
}

func newDueIndex() *dueIndex { return &dueIndex{cur: map[string]time.Time{}} }

// move re-files id from due time from to due time to (zero = not filed).
func (d *dueIndex) move(id string, _, to time.Time) {
	if to.IsZero() {
		delete(d.cur, id)
	} else {
		d.cur[id] = to
		d.heap.push(dueKey{to, id})
	}
	if len(d.heap) > 2*len(d.cur)+1024 {
		d.rebuild()
	}
}

func (d *dueIndex) rebuild() {
	d.heap = d.heap[:0]
	for id, at := range d.cur {
		d.heap = append(d.heap, dueKey{at, id})
	}
	heap.Init(&d.heap)
}

// upTo returns up to limit ids due at or before t, earliest first.
func (d *dueIndex) upTo(t time.Time, limit int) []string {
	var live []dueKey
	seen := map[string]bool{}
	for len(d.heap) > 0 && len(live) < limit && !d.heap[0].at.After(t) {
		k := d.heap.pop()
		if at, ok := d.cur[k.id]; !ok || !at.Equal(k.at) || seen[k.id] {
			continue // stale or duplicate: dropped for good
		}
		seen[k.id] = true
		live = append(live, k)
	}
	out := make([]string, len(live))
	for i, k := range live {
		out[i] = k.id
		d.heap.push(k)
	}
	return out
}

// dueHeap orders keys by due time, then id. push and pop are
// container/heap's Push and Pop without boxing each key in an interface
// (an allocation per key moved); Init still comes from container/heap.
type dueHeap []dueKey

func (h *dueHeap) push(k dueKey) {
	*h = append(*h, k)
	h.up(len(*h) - 1)
}

func (h *dueHeap) pop() dueKey {
	n := len(*h) - 1
	h.Swap(0, n)
	h.down(0, n)
	k := (*h)[n]
	*h = (*h)[:n]
	return k
}

// up and down are container/heap's sift steps.
func (h dueHeap) up(j int) {
	for {
		i := (j - 1) / 2 // parent
		if i == j || !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		j = i
	}
}

func (h dueHeap) down(i0, n int) {
	i := i0
	for {
		j1 := 2*i + 1
		if j1 >= n || j1 < 0 { // j1 < 0 after int overflow
			break
		}
		j := j1 // left child
		if j2 := j1 + 1; j2 < n && h.Less(j2, j1) {
			j = j2 // = 2*i + 2  // right child
		}
		if !h.Less(j, i) {
			break
		}
		h.Swap(i, j)
		i = j
	}
}

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	return cmp.Or(h[i].at.Compare(h[j].at), cmp.Compare(h[i].id, h[j].id)) < 0
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(dueKey)) }
func (h *dueHeap) Pop() any {
	old := *h
	k := old[len(old)-1]
	*h = old[:len(old)-1]
	return k
}
