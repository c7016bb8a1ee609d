package invoicing

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cloudbill/cloudbill/billing/pricing"
)

// describeConfiguration names a configuration for people: its plan, then
// its non-zero components in id order ("basic-1, ssd_gb 50").
func DescribeConfiguration(c pricing.Configuration) string {
	ids := make([]string, 0, len(c.Components))
	for id, n := range c.Components {
		if n != 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	parts := make([]string, 0, len(ids)+1)
	if c.Plan != "" {
		parts = append(parts, c.Plan)
	}
	for _, id := range ids {
		parts = append(parts, id+" "+strconv.FormatInt(c.Components[id], 10))
	}
	if len(parts) == 0 {
		return "no configuration"
	}
	return strings.Join(parts, ", ")
}
