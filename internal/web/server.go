// Package web is Lots' HTML interface: server-rendered pages, one file per action, templates
// and static files embedded in the binary.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/i18n"
	"lots/internal/store"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Server serves the web interface.
type Server struct {
	store   *store.Store
	auth    *auth.Service
	hasher  *auth.Hasher
	catalog *i18n.Catalog
	log     *slog.Logger
	now     func() time.Time
	cfg     Config

	tmpl         templates          // the pages' templates, parsed and translated on first use (pretranslate.go)
	bufs         sync.Pool          // page buffers (render.go)
	dashboards   renderedDashboards // the dashboard's figures rendered per release (dashboard_show.go)
	assetVersion string
	mux          *routeMux
}

// Config holds the web settings.
type Config struct {
	// SecureCookies marks cookies Secure always. Otherwise they are Secure when the request
	// came over TLS (directly, or through a trusted proxy).
	SecureCookies bool
	// TrustedProxies are the reverse proxies in front of Lots. X-Forwarded-For and
	// X-Forwarded-Proto are believed only on a connection from one of them (see clientAddr).
	TrustedProxies []netip.Prefix
	// API is mounted under /api/v1/.
	API http.Handler
}

// New builds the server. The templates are parsed once, here.
func New(st *store.Store, a *auth.Service, h *auth.Hasher, c *i18n.Catalog, log *slog.Logger, now func() time.Time, cfg Config) (*Server, error) {
	if now == nil {
		now = time.Now
	}
	s := &Server{store: st, auth: a, hasher: h, catalog: c, log: log, now: now, cfg: cfg, mux: &routeMux{ServeMux: http.NewServeMux()}}
	var err error
	if s.assetVersion, err = hashFS(staticFS); err != nil {
		return nil, err
	}
	if err = s.parseBase(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// parseBase parses layout.html with the partials, the part every page shares, and lists the
// pages (templates/*.html). Each page's own set — a copy of the base with the page's
// "content" (and optional "title") blocks — is parsed on its first use (pretranslate.go):
// parsing all of them at start took about a quarter of a second and 30 MB for pages an
// instance may never show.
func (s *Server) parseBase() error {
	funcs := template.FuncMap{
		"asset":    func(p string) string { return "/static/" + s.assetVersion + "/" + p },
		"date":     formatDate,
		"datetime": formatDateTime,
		"join":     strings.Join,
		"fld":      fld,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return err
	}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.tmpl.base, s.tmpl.names = base, map[string]bool{}
	for _, e := range entries {
		if name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html"); name != "layout" {
			s.tmpl.names[name] = true
		}
	}
	return nil
}

// parsePage parses page name's set: the base and templates/name.html.
func (s *Server) parsePage(name string) (*template.Template, error) {
	t, err := s.tmpl.base.Clone()
	if err != nil {
		return nil, err
	}
	return t.ParseFS(templateFS, "templates/"+name+".html")
}

// hashFS fingerprints the static files so their URLs change when they do and browsers may
// cache them for a year.
func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return "", err
		}
		h.Write([]byte(p))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(stockholm).Format("2006-01-02")
}

func formatDateTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(stockholm).Format("2006-01-02 15:04")
}

// stockholm is the time zone pages show times in; Lots stores UTC.
var stockholm = casework.Stockholm

// routeMux is the standard router that remembers the patterns registered on it, so a test can
// check that every page is covered by the authorization matrix.
type routeMux struct {
	*http.ServeMux
	patterns []string
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.HandleFunc(pattern, h)
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	m.ServeMux.Handle(pattern, h)
}

// Routes lists the patterns of every page, in registration order.
func (s *Server) Routes() []string { return append([]string(nil), s.mux.patterns...) }
