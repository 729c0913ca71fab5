package apptest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// CutProxy forwards TCP connections to a PostgreSQL server until it is cut: then it refuses
// new connections and breaks the open ones, as a primary that died behind HAProxy does.
type CutProxy struct {
	t      testing.TB
	Addr   string // where it listens
	target string
	mu     sync.Mutex
	l      net.Listener
	conns  map[net.Conn]bool
}

// NewCutProxy starts a proxy to target (host:port) on a free local port, cut when the test ends.
func NewCutProxy(t testing.TB, target string) *CutProxy {
	p := &CutProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Addr = l.Addr().String()
	p.serve(l)
	t.Cleanup(p.Cut)
	return p
}

func (p *CutProxy) serve(l net.Listener) {
	p.mu.Lock()
	p.l = l
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *CutProxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

// Cut closes the listener and every open connection.
func (p *CutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.l != nil {
		p.l.Close()
		p.l = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// Restore listens again on the same address.
func (p *CutProxy) Restore() {
	l, err := net.Listen("tcp", p.Addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(l)
}

// ThroughCutProxy is an Options.DB that puts a CutProxy between the instances and PostgreSQL,
// and hands it to got.
func ThroughCutProxy(t testing.TB, got func(*CutProxy)) func(dsn string) string {
	return func(dsn string) string {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		p := NewCutProxy(t, u.Host)
		u.Host = p.Addr
		got(p)
		return u.String()
	}
}
