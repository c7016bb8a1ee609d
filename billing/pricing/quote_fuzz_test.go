package pricing_test

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/cloudbill/cloudbill/billing/money"
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/cloudbill/cloudbill/billing/pricing"
)

// byteReader hands out fuzz bytes as small values, yielding zeros once the
// input is used up so every input decodes to some request.
type byteReader struct{ b []byte }

func (r *byteReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *byteReader) int16() int64 {
	return int64(int16(binary.LittleEndian.Uint16([]byte{r.byte(), r.byte()})))
}

func (r *byteReader) int32() int64 {
	return int64(int32(binary.LittleEndian.Uint32([]byte{r.byte(), r.byte(), r.byte(), r.byte()})))
}

// pick returns one of options chosen by the next byte.
func pick[T any](r *byteReader, options ...T) T {
	return options[int(r.byte())%len(options)]
}

// fuzzRequest decodes a quote request over the sample products, with
// unknown ids, out-of-range numbers and foreign currencies mixed in.
func fuzzRequest(data []byte) (pricing.QuoteRequest, bool) {
	r := &byteReader{b: data}
	inclusive := r.byte()%2 == 1
	start := time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC)
	var req pricing.QuoteRequest
	for range 1 + int(r.byte())%4 {
		it := pricing.QuoteItem{
			ProductID:     pick(r, pricing.SampleVServer, pricing.SampleVStorage, pricing.SampleVMonitor, "vnope"),
			Configuration: pricing.Configuration{Plan: pick(r, "", "", "basic-1", "standard-2", "pro", "starter", "nope")},
		}
		comps := map[string]int64{}
		for range int(r.byte()) % 5 {
			id := pick(r, "vcpu", "ram_gb", "ssd_gb", "windows_licence", "hdd_gb", "object_gb", "metrics", "log_gb", "gpu")
			comps[id] = r.int16()
		}
		if len(comps) > 0 {
			it.Configuration.Components = comps
		}
		it.Quantity = r.int16()
		switch r.byte() % 4 {
		case 0, 1:
			it.Term = period.Term{Months: int(r.int16()), Days: int(r.int16())}
		case 2:
			it.Span = period.Span{Start: start, End: start.Add(time.Duration(r.int32()) * time.Minute)}
		case 3:
			it.Term = period.Term{Months: int(r.int16())}
			it.Span = period.Span{Start: start, End: start.Add(time.Duration(r.int16()) * time.Second)}
		}
		req.Items = append(req.Items, it)
	}
	for range int(r.byte()) % 3 {
		a, err := money.FromMinor(r.int32(), pick(r, "VND", "VND", "VND", "USD"))
		if err != nil {
			return req, inclusive
		}
		req.Discounts = append(req.Discounts, pricing.Discount{Code: "F", Amount: a})
	}
	return req, inclusive
}

func FuzzQuote(f *testing.F) {
	f.Add([]byte{})
	// The brief's worked example: basic-1 and 50 GB SSD for 60 days, 20,000 off.
	f.Add([]byte{0, 1, 0, 2, 0, 1, 0, 0, 0, 0, 60, 0, 1, 0, 1, 2, 50, 0, 1, 0, 0, 0, 0, 60, 0, 1, 0x20, 0x4e, 0, 0, 0})
	// Inclusive tax: 3 × 2 vCPU / 4 GB / 40 GB for 12 months, two discounts.
	f.Add([]byte{1, 0, 0, 0, 3, 0, 2, 0, 1, 4, 0, 2, 40, 0, 3, 0, 0, 12, 0, 0, 0, 2, 0xA0, 0x86, 0x01, 0, 0, 5, 0, 0, 0, 0})
	// Three items (span, term discount, minimum) and a discount above the order.
	f.Add([]byte{0, 2, 2, 4, 1, 6, 250, 0, 2, 0, 2, 0x80, 0x70, 0, 0, 0, 3, 1, 3, 1, 0, 1, 0, 0, 6, 0, 0, 0,
		1, 0, 1, 5, 10, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0x00, 0x94, 0x35, 0x77, 0})
	// Refused: an unknown component and an absurd term.
	f.Add([]byte{0, 0, 0, 2, 3, 0, 2, 0, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 16, 39, 0, 0, 0})

	sampleCat, err := pricing.SampleCatalog()
	if err != nil {
		f.Fatal(err)
	}
	inclusiveCat, err := pricing.NewCatalog(pricing.Config{
		Currency: "VND",
		Tax:      pricing.TaxPolicy{Rate: dec("0.1"), Mode: pricing.TaxInclusive},
		Products: sampleCat.Products(),
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, inclusive := fuzzRequest(data)
		c := sampleCat
		if inclusive {
			c = inclusiveCat
		}
		q, err := c.Quote(req)
		if err != nil {
			// Every refusal is one of the documented classes.
			known := []error{pricing.ErrEmptyQuote, pricing.ErrUnknownProduct, pricing.ErrUnknownPlan,
				pricing.ErrUnknownComponent, pricing.ErrInvalidQuantity, pricing.ErrInvalidConfiguration,
				pricing.ErrInvalidPeriod, pricing.ErrInvalidDiscount}
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("undocumented error: %v", err)
		}
		if msg := checkQuote(t, q); msg != "" {
			t.Fatalf("%s\nrequest: %+v", msg, req)
		}
	})
}
