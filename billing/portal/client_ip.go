package portal

import (
	"net"
	"net/http"
	"net/netip"
)

// RemoteIP is the address of the connection a request came over, without
// its port ("203.0.113.7" of "203.0.113.7:51234"), as billing's ClientIP
// takes it; "" when it is not an IP address (a test's fake RemoteAddr, a
// Unix socket). It is Config.ClientIP's default: behind a reverse proxy it
// is the proxy's address, not the payer's.
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	return ip.WithZone("").Unmap().String()
}

// payerIP is the payer's address for a request, as Config.ClientIP says,
// kept only when it is an address billing accepts: an unusable one is
// dropped rather than failing the customer's payment.
func (h *Handler) payerIP(r *http.Request) string {
	s := h.clientIP(r)
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" || ip.String() != s {
		return ""
	}
	return s
}
