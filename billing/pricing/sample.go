package pricing

import (
	"github.com/cloudbill/cloudbill/billing/period"
	"github.com/shopspring/decimal"
)

// Ids of the products in SampleCatalog.
const (
	// SampleVServer is the sample compute product.
	SampleVServer = "vserver"
	// SampleVStorage is the sample block and object storage product.
	SampleVStorage = "vstorage"
	// SampleVMonitor is the sample monitoring product.
	SampleVMonitor = "vmonitor"
)

// SampleCatalog returns a realistic catalog in VND with 10% VAT, prices
// tax-exclusive, for examples, tests and demos. Prices per 30 days:
//
//	vserver   vcpu 45,000/vCPU (1..64), ram_gb 15,000/GB (1..256),
//	          ssd_gb 775/GB (20..4,000) — all three required without a plan —
//	          windows_licence 65,000 (0..1);
//	          plans basic-1 90,000, standard-2 175,000, performance-4 350,000;
//	          term discounts 6 months 5%, 12 months 15%.
//	          2 vCPU / 4 GB RAM / 40 GB SSD costs 181,000;
//	          4 vCPU / 8 GB RAM / 200 GB SSD + Windows costs 520,000.
//	vstorage  ssd_gb 700/GB (50 GB costs 35,000); hdd_gb graduated 350/GB up
//	          to 1,000 GB then 300/GB; object_gb volume 600/GB up to 1,000 GB,
//	          500 up to 10,000, 400 above, minimum 10,000.
//	vmonitor  plans starter 50,000, pro 150,000; metrics in packages of 100
//	          at 20,000; log_gb 1,500/GB, minimum 15,000.
//
// Each call builds a new catalog; the error is only for symmetry with
// NewCatalog and is nil unless the definition above is broken.
func SampleCatalog() (*Catalog, error) {
	vnd := decimal.NewFromInt
	return NewCatalog(Config{
		Currency: "VND",
		Tax:      TaxPolicy{Rate: decimal.New(1, -1), Mode: TaxExclusive},
		Products: []Product{
			{
				ID: SampleVServer,
				// The brief's cycles, plus 2 months and any 1 to 365 days:
				// a product states the terms it sells.
				Terms: sampleTerms(),
				Name:  "vServer",
				Components: []Component{
					{ID: "vcpu", Name: "vCPU", Unit: "vCPU", Model: PerUnit(vnd(45_000)),
						MinQuantity: 1, MaxQuantity: 64, Required: true},
					{ID: "ram_gb", Name: "RAM", Unit: "GB RAM", Model: PerUnit(vnd(15_000)),
						MinQuantity: 1, MaxQuantity: 256, Required: true},
					{ID: "ssd_gb", Name: "SSD", Unit: "GB SSD", Model: PerUnit(vnd(775)),
						MinQuantity: 20, MaxQuantity: 4_000, Required: true},
					{ID: "windows_licence", Name: "Windows licence", Unit: "Windows licence",
						Model: PerUnit(vnd(65_000)), MinQuantity: 1, MaxQuantity: 1},
				},
				Plans: []Plan{
					{ID: "basic-1", Name: "Basic 1 (1 vCPU / 2 GB / 20 GB SSD)", Price: vnd(90_000)},
					{ID: "standard-2", Name: "Standard 2 (2 vCPU / 4 GB / 40 GB SSD)", Price: vnd(175_000)},
					{ID: "performance-4", Name: "Performance 4 (4 vCPU / 8 GB / 80 GB SSD)", Price: vnd(350_000)},
				},
				TermDiscounts: []TermDiscount{
					{Months: 6, Rate: decimal.New(5, -2)},
					{Months: 12, Rate: decimal.New(15, -2)},
				},
			},
			{
				ID: SampleVStorage,
				// The brief's cycles, plus 2 months and any 1 to 365 days:
				// a product states the terms it sells.
				Terms: sampleTerms(),
				Name:  "vStorage",
				Components: []Component{
					{ID: "ssd_gb", Name: "SSD block storage", Unit: "GB SSD", Model: PerUnit(vnd(700)),
						MinQuantity: 10, MaxQuantity: 100_000},
					{ID: "hdd_gb", Name: "HDD block storage", Unit: "GB HDD", Model: Graduated(
						Tier{UpTo: vnd(1_000), UnitPrice: vnd(350)},
						Tier{UnitPrice: vnd(300)},
					), MinQuantity: 10, MaxQuantity: 1_000_000},
					{ID: "object_gb", Name: "Object storage", Unit: "GB object", Model: Volume(
						Tier{UpTo: vnd(1_000), UnitPrice: vnd(600)},
						Tier{UpTo: vnd(10_000), UnitPrice: vnd(500)},
						Tier{UnitPrice: vnd(400)},
					).WithMinimum(vnd(10_000)), MaxQuantity: 10_000_000},
				},
			},
			{
				ID: SampleVMonitor,
				// The brief's cycles, plus 2 months and any 1 to 365 days:
				// a product states the terms it sells.
				Terms: sampleTerms(),
				Name:  "vMonitor",
				Components: []Component{
					{ID: "metrics", Name: "Metrics", Unit: "metrics", Model: Package(vnd(100), vnd(20_000)),
						MaxQuantity: 100_000},
					{ID: "log_gb", Name: "Log storage", Unit: "GB logs",
						Model: PerUnit(vnd(1_500)).WithMinimum(vnd(15_000)), MaxQuantity: 10_000},
				},
				Plans: []Plan{
					{ID: "starter", Name: "Starter", Price: vnd(50_000)},
					{ID: "pro", Name: "Pro", Price: vnd(150_000)},
				},
			},
		},
	})
}

// sampleTerms is what the sample products sell: the standard cycles of 1,
// 3, 6, 12, 24 and 36 months, 2 months, and any whole number of days from 1
// to 365 (the worked example buys 60 days).
func sampleTerms() period.TermSet {
	m := period.Months
	return period.TermSet{Terms: []period.Term{m(1), m(2), m(3), m(6), m(12), m(24), m(36)}, Days: period.Bounds{Min: 1, Max: 365}}
}
