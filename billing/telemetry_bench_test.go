package billing_test

import (
	"context"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/cloudbill/cloudbill/billing"
	"github.com/cloudbill/cloudbill/storage/memory"
)

// BenchmarkTelemetry measures what telemetry adds to one cheap public
// operation, reading a wallet on the memory store: off (no providers in
// Config, the default), and on with the SDK's providers sampling every
// span into a batch processor with no exporter and a manual metric reader
// nobody collects — the cost of recording, not of shipping.
func BenchmarkTelemetry(b *testing.B) {
	for _, c := range []struct {
		name   string
		adjust func(*billing.Config)
	}{
		{"off", nil},
		{"on", func(c *billing.Config) {
			tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
			mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
			b.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
			c.TracerProvider, c.MeterProvider = tp, mp
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := newEnvWith(b, memory.New(), c.adjust)
			ctx := context.Background()
			if _, err := e.sys.CreateAccount(ctx, "open", billing.CreateAccountRequest{ID: "acme"}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.sys.Wallet(ctx, "acme"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
