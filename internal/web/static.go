package web

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// static serves embedded files. URLs carry the fingerprint of all static files, so they can
// be cached for a year; an old fingerprint is still served (a page cached in a browser during
// an upgrade should not break), just not cached.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	p := path.Clean("/" + r.PathValue("path"))
	if strings.Contains(p, "..") {
		s.notFound(w, r)
		return
	}
	b, err := fs.ReadFile(staticFS, "static"+p)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if r.PathValue("version") == s.assetVersion {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(b)
}
