package portal

import (
	"net"
	"net/http"
	"net/netip"
)

// remoteIP is the address of the connection a request came over, without
// its port; "" when it is not an IP address (a test's fake RemoteAddr, a
// Unix socket).
func remoteIP(r *http.Request) string {
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
