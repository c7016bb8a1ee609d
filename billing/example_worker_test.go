package billing_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/billing/period"
)

// A host starts the worker on a goroutine of its own when its service
// starts, and stops it by canceling the context when the service shuts
// down. The worker drains whatever is due, then waits Interval between
// ticks; one failing item is reported and retried later, never stopping
// the rest.
func ExampleSystem_RunWorker() {
	sys, sim, clk := exampleSystem()
	r := exampleResource(sys, sim, clk, twoVCPU(), period.Months(1))
	clk.Set(r.PeriodEnd.Add(-7 * 24 * time.Hour)) // its first reminder is due

	ctx, shutdown := context.WithCancel(context.Background())
	firstReport := make(chan billing.TickReport, 1)
	stopped := make(chan error, 1)
	go func() {
		stopped <- sys.RunWorker(ctx, billing.WorkerOptions{
			BatchSize: 500,
			Interval:  30 * time.Second,
			OnReport: func(rep billing.TickReport) {
				for _, f := range rep.Failures {
					log.Printf("billing worker: %s %s failed %d times (%s); retry at %s", f.Kind, f.ID, f.Attempts, f.Reason, f.RetryAt)
				}
				select {
				case firstReport <- rep:
				default:
				}
			},
		})
	}()

	rep := <-firstReport
	fmt.Println("reminders sent:", rep.Reminders, "failures:", len(rep.Failures))
	shutdown()
	fmt.Println("worker stopped:", <-stopped)
	// Output:
	// reminders sent: 1 failures: 0
	// worker stopped: context canceled
}
