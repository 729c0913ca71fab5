package web

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddrReadsTheChainFromTheRight(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1 ,fd00::/64")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cfg: Config{TrustedProxies: proxies}}
	for _, c := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"a direct client is itself, whatever it claims", "198.51.100.7:5000", []string{"203.0.113.1"}, "198.51.100.7"},
		{"one trusted proxy: the address it appended", "10.0.0.2:443", []string{"203.0.113.9"}, "203.0.113.9"},
		{"a client-written entry left of the proxy's is ignored", "10.0.0.2:443", []string{"1.2.3.4, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted hops are skipped", "10.0.0.2:443", []string{"6.6.6.6, 203.0.113.9, 192.0.2.1"}, "203.0.113.9"},
		{"several headers are one chain", "10.0.0.2:443", []string{"6.6.6.6", "203.0.113.9, 10.1.1.1"}, "203.0.113.9"},
		{"an untrusted hop in the middle is the client", "10.0.0.2:443", []string{"203.0.113.9, 198.51.100.1, 10.0.0.3"}, "198.51.100.1"},
		{"a port on an entry is dropped", "10.0.0.2:443", []string{"203.0.113.9:1234"}, "203.0.113.9"},
		{"IPv6 through a trusted IPv6 proxy", "[fd00::5]:443", []string{"2001:db8::1"}, "2001:db8::1"},
		{"garbage stops the chain at the last trusted hop", "10.0.0.2:443", []string{"203.0.113.9, not-an-ip"}, "10.0.0.2"},
		{"no header from a proxy: the proxy", "10.0.0.2:443", nil, "10.0.0.2"},
		{"only trusted hops: the farthest of them", "10.0.0.2:443", []string{"10.9.9.9"}, "10.9.9.9"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.peer
			for _, h := range c.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := s.clientAddr(r); got != c.want {
				t.Fatalf("clientAddr = %q, want %q", got, c.want)
			}
		})
	}
	t.Run("without trusted proxies X-Forwarded-For is never read", func(t *testing.T) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.2:443"
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		r.Header.Set("X-Forwarded-Proto", "https")
		bare := &Server{}
		if got := bare.clientAddr(r); got != "10.0.0.2" {
			t.Fatalf("clientAddr = %q", got)
		}
		if bare.isTLS(r) {
			t.Fatal("X-Forwarded-Proto believed from an untrusted peer")
		}
		if !s.isTLS(r) {
			t.Fatal("X-Forwarded-Proto not believed from a trusted proxy")
		}
	})
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0.1/8/9"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
}
