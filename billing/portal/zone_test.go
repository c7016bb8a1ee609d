package portal_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTimesAreInTheAccountZone: the portal shows a customer in Ho Chi Minh
// City (the default zone, UTC+7) every time of their resources, invoices
// (with lines) and payments at +07:00 — the same instants the store keeps
// — never as UTC ("Z").
func TestTimesAreInTheAccountZone(t *testing.T) {
	e := newEnv(t)
	rid := e.customer(t, "alice")
	inv := e.invoiceOf(t, "alice")
	stamp := regexp.MustCompile(`"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(Z|[+-]\d\d:\d\d))"`)
	for _, path := range []string{"/resources", "/resources/" + rid, "/invoices", "/invoices/" + inv, "/payments"} {
		resp, body := e.call(t, http.MethodGet, path, "alice", "", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		all := stamp.FindAllStringSubmatch(string(body), -1)
		require.NotEmpty(t, all, "%s shows times", path)
		for _, m := range all {
			require.Equal(t, "+07:00", m[2], "%s shows %s", path, m[1])
		}
	}
}
