package lifecycle_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/lifecycle"
)

// A resource's life through the state table, with the host work each change
// asks for, and an event the table refuses.
func ExampleNext() {
	state := lifecycle.StatePendingPayment
	for _, ev := range []lifecycle.Event{lifecycle.EventPay, lifecycle.EventProvisioned,
		lifecycle.EventTermEnded, lifecycle.EventGraceEnded, lifecycle.EventRenew} {
		next, err := lifecycle.Next(state, ev)
		if err != nil {
			fmt.Println(err)
			return
		}
		actions, err := lifecycle.Effects(state, next)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s -> %s, host: %v\n", ev, state, next, actions)
		state = next
	}
	_, err := lifecycle.Next(lifecycle.StateGrace, lifecycle.EventResize)
	fmt.Println(errors.Is(err, lifecycle.ErrIllegalTransition), err)
	// Output:
	// pay: pending_payment -> provisioning, host: [provision]
	// provisioned: provisioning -> active, host: []
	// term_ended: active -> grace, host: [restrict]
	// grace_ended: grace -> suspended, host: [suspend]
	// renew: suspended -> active, host: [resume unrestrict]
	// true lifecycle: illegal transition: "resize" in state "grace"
}

// The brief's resize numbers: an upgrade with 50 days left and a downgrade
// with 20 days left, prices per 30 days, time to the minute.
func ExampleResizeCharge() {
	end := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	small, _ := money.New("181000", "VND")
	large, _ := money.New("520000", "VND")

	up, err := lifecycle.ResizeCharge(small, large, end.Add(-50*24*time.Hour), end)
	if err != nil {
		fmt.Println(err)
		return
	}
	down, err := lifecycle.ResizeCharge(large, small, end.Add(-20*24*time.Hour), end)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("upgrade pays", up)
	fmt.Println("downgrade refunds", down.Neg(), "to credit when the policy allows")

	_, err = lifecycle.ResizeCharge(small, large, end.Add(time.Hour), end)
	fmt.Println(errors.Is(err, lifecycle.ErrTermEnded))
	// Output:
	// upgrade pays 565000 VND
	// downgrade refunds 226000 VND to credit when the policy allows
	// true
}

// DeleteRefund: unused value of a prepaid resource.
func ExampleDeleteRefund() {
	end := time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)
	price, _ := money.New("181000", "VND")
	refund, err := lifecycle.DeleteRefund(price, end.Add(-20*24*time.Hour), end, lifecycle.DefaultPolicy())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(refund)
	// Output: 120667 VND
}

// A worker's tick for one resource: what is due, recorded one piece at a
// time, and when to look again.
func ExampleRules_Due() {
	cal, err := period.NewCalendar("Asia/Ho_Chi_Minh", period.ThirtyDayMonths)
	if err != nil {
		fmt.Println(err)
		return
	}
	rules, err := lifecycle.NewRules(lifecycle.DefaultPolicy(), cal)
	if err != nil {
		fmt.Println(err)
		return
	}
	end := time.Date(2024, 5, 10, 9, 0, 0, 0, cal.Location())
	v := lifecycle.ResourceView{State: lifecycle.StateActive, End: end,
		Since: cal.AddDays(end, -30), AutoRenew: true}

	next, _, err := rules.NextDue(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("next due", next.Format("2006-01-02 15:04"))

	// The worker was down: it runs one day after the end.
	now := end.Add(24 * time.Hour)
	work, err := rules.Due(v, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range work {
		// The host does the work here (an attempt fails: no credit).
		fmt.Println(w.Kind, w.Event, w.At.Format("01-02 15:04"), w.Key)
		if v, err = v.Record(w); err != nil {
			fmt.Println(err)
			return
		}
	}
	next, _, err = rules.NextDue(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.State, "next due", next.Format("2006-01-02 15:04"))
	// Output:
	// next due 2024-05-03 09:00
	// auto_renew  05-10 09:00 auto_renew:1715306400:3
	// transition term_ended 05-10 09:00 transition:1715306400:term_ended
	// reminder  05-11 09:00 reminder:1715306400:8
	// grace next due 2024-05-12 09:00
}
