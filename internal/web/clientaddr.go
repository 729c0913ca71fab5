package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads --trusted-proxies: comma-separated CIDRs ("10.0.0.5/32,fd00::/64");
// a bare address stands for itself alone. Empty means no proxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR nor an IP address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trustedProxy reports whether a is one of the configured reverse proxies.
func (s *Server) trustedProxy(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

// hopAddr reads one X-Forwarded-For entry: an address, possibly with a port.
func hopAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// clientAddr is the client's IP address, for the login brake and the audit log. A connection
// that does not come from a trusted proxy is the client itself: whatever X-Forwarded-For it
// sends is ignored. From a trusted proxy, the chain is read from the right — each proxy appends
// the address it received the request from — and the first address that is not a trusted
// proxy is the client; everything to its left was written by the client and proves nothing
// (reading the leftmost entry let an attacker rotate it past the per-address brake).
func (s *Server) clientAddr(r *http.Request) string {
	peer, ok := peerAddr(r)
	if !ok {
		return r.RemoteAddr
	}
	if !s.trustedProxy(peer) {
		return peer.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	last := peer // the nearest hop read so far, all trusted
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := hopAddr(hops[i])
		if !ok {
			// A trusted proxy writes addresses; a bad entry here is the client's own: the
			// hop that passed it on is as far as the chain can be believed.
			return last.String()
		}
		if !s.trustedProxy(a) {
			return a.String()
		}
		last = a
	}
	return last.String()
}

// isTLS reports whether the client reached Lots over TLS: directly, or through a trusted proxy
// that says so in X-Forwarded-Proto.
func (s *Server) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	peer, ok := peerAddr(r)
	return ok && s.trustedProxy(peer) && r.Header.Get("X-Forwarded-Proto") == "https"
}
