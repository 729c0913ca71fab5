package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"testing"
	"text/template/parse"

	"lots/internal/casework"
)

// Pages are rendered from a copy of their template made once per language, in which every
// fixed text — {{.T "key"}} where the dot is the page, {{$.T "key"}} where $ is — is already
// translated, and where html/template's escaping of it is plain HTML escaping (text, a quoted
// attribute, a title), written as template text. A page of the case flow has a few hundred
// such texts; each was a reflective method call with a variadic slice, a catalogue lookup and
// a reflective escaper call on every view (about a third of the server's CPU went to
// templates). The result is the same bytes: in tests (testing.Testing) every page is
// rendered both ways and a difference is a server error.
//
// Only trees whose every use has the page as its data are touched: a partial called with
// anything else ({{template "x" .Data}}, fld …), or inside {{with}}/{{range}} (where the dot
// is something else, e.g. a consent text's own T), keeps its calls as they are.

// templates holds the base set and each page's sets, made on first use.
type templates struct {
	base  *template.Template // layout.html and the partials, never executed (cloned per page)
	names map[string]bool    // the pages there are

	mu        sync.Mutex
	localized map[localizedKey]*template.Template // a page's translated set per language
	sources   map[string]*template.Template       // a page's untranslated set
}

type localizedKey struct {
	name   string
	locale casework.Locale
}

// pageTemplate is the set to render page name in locale l: its translated copy, made on the
// page's first use in that language.
func (s *Server) pageTemplate(name string, l casework.Locale) (*template.Template, error) {
	if !s.tmpl.names[name] {
		return nil, errTemplate(name)
	}
	k := localizedKey{name, l}
	s.tmpl.mu.Lock()
	defer s.tmpl.mu.Unlock()
	if t, ok := s.tmpl.localized[k]; ok {
		return t, nil
	}
	t, err := s.parsePage(name)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	tr := func(key string) string {
		if path, ok := strings.CutPrefix(key, assetKey); ok {
			return "/static/" + s.assetVersion + "/" + path
		}
		return s.catalog.T(l, key)
	}
	if err := translateTemplates(t, tr); err != nil {
		return nil, fmt.Errorf("template %s (%s): %w", name, l, err)
	}
	if s.tmpl.localized == nil {
		s.tmpl.localized = map[localizedKey]*template.Template{}
	}
	s.tmpl.localized[k] = t
	return t, nil
}

// sourcePage is page name's untranslated set: for a page whose data is not a Page (the
// consent form) and for the comparison in tests.
func (s *Server) sourcePage(name string) (*template.Template, error) {
	if !s.tmpl.names[name] {
		return nil, errTemplate(name)
	}
	s.tmpl.mu.Lock()
	defer s.tmpl.mu.Unlock()
	if t, ok := s.tmpl.sources[name]; ok {
		return t, nil
	}
	t, err := s.parsePage(name)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	if s.tmpl.sources == nil {
		s.tmpl.sources = map[string]*template.Template{}
	}
	s.tmpl.sources[name] = t
	return t, nil
}

// translateTemplates translates the fixed texts of the page set t (entry "layout.html"),
// not yet executed, by tr.
func translateTemplates(t *template.Template, tr func(string) string) error {
	trees := map[string]*parse.Tree{}
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			trees[x.Name()] = x.Tree
		}
	}
	plain := template.Must(template.New("plain").Parse("{{.}}"))
	pageOnly := pageOnlyTrees(trees, "layout.html")
	for name := range pageOnly {
		translateList(trees[name].Root, true, tr)
	}
	// Escape now (html/template does it at the first execution: a nil page stops that
	// execution at its first field, after escaping) and turn each translated text whose
	// escaping is plain HTML escaping into template text.
	var escaping *template.Error
	if err := t.ExecuteTemplate(io.Discard, "layout.html", (*Page)(nil)); errors.As(err, &escaping) {
		return err // the templates cannot be escaped (a nil page stops execution after escaping)
	}
	for name := range pageOnly {
		if x := t.Lookup(name); x != nil && x.Tree != nil {
			inlineEscaped(x.Tree.Root, plain)
		}
	}
	return nil
}

// pageOnlyTrees names the trees reached from entry with the page as their data and never
// with anything else.
func pageOnlyTrees(trees map[string]*parse.Tree, entry string) map[string]bool {
	withPage, withOther := map[string]bool{}, map[string]bool{}
	var visit func(name string, page bool)
	visit = func(name string, page bool) {
		seen := withOther
		if page {
			seen = withPage
		}
		if seen[name] || trees[name] == nil {
			return
		}
		seen[name] = true
		walkCalls(trees[name].Root, page, visit)
	}
	visit(entry, true)
	out := map[string]bool{}
	for n := range withPage {
		if !withOther[n] {
			out[n] = true
		}
	}
	return out
}

// walkCalls reports every {{template}} call under n: with the page as data when the call
// passes the dot and the dot is the page.
func walkCalls(n parse.Node, dotIsPage bool, call func(string, bool)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkCalls(c, dotIsPage, call)
		}
	case *parse.IfNode:
		walkCalls(n.List, dotIsPage, call)
		walkCalls(n.ElseList, dotIsPage, call)
	case *parse.WithNode:
		walkCalls(n.List, false, call)
		walkCalls(n.ElseList, dotIsPage, call)
	case *parse.RangeNode:
		walkCalls(n.List, false, call)
		walkCalls(n.ElseList, dotIsPage, call)
	case *parse.TemplateNode:
		call(n.Name, dotIsPage && isDot(n.Pipe))
	}
}

func isDot(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	_, ok := p.Cmds[0].Args[0].(*parse.DotNode)
	return ok
}

// translateList replaces, under n, each fixed-text call of the page's T by its translation
// as a string constant. In a tree whose data is the page, $ is the page everywhere; the dot
// is the page outside {{with}} and {{range}}.
func translateList(n parse.Node, dotIsPage bool, tr func(string) string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			translateList(c, dotIsPage, tr)
		}
	case *parse.IfNode:
		translateList(n.List, dotIsPage, tr)
		translateList(n.ElseList, dotIsPage, tr)
	case *parse.WithNode:
		translateList(n.List, false, tr)
		translateList(n.ElseList, dotIsPage, tr)
	case *parse.RangeNode:
		translateList(n.List, false, tr)
		translateList(n.ElseList, dotIsPage, tr)
	case *parse.ActionNode:
		if key, ok := fixedText(n.Pipe, dotIsPage); ok {
			s := n.Pipe.Cmds[0].Args[1].(*parse.StringNode)
			s.Text = tr(key)
			s.Quoted = fmt.Sprintf("%q", s.Text)
			n.Pipe.Cmds[0].Args = []parse.Node{s}
		} else if path, ok := assetCall(n.Pipe); ok {
			s := n.Pipe.Cmds[0].Args[1].(*parse.StringNode)
			s.Text = tr(assetKey + path)
			s.Quoted = fmt.Sprintf("%q", s.Text)
			n.Pipe.Cmds[0].Args = []parse.Node{s}
		}
	}
}

// assetKey marks, for translateTemplates' tr, the address of a static file rather than a
// text: {{asset "css/lots.css"}} depends only on the files' fingerprint, so it is fixed too.
const assetKey = "\x00asset:"

// assetCall reports whether p is exactly {{asset "path"}}, and the path.
func assetCall(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 2 {
		return "", false
	}
	id, ok := p.Cmds[0].Args[0].(*parse.IdentifierNode)
	if !ok || id.Ident != "asset" {
		return "", false
	}
	path, ok := p.Cmds[0].Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return path.Text, true
}

// fixedText reports whether p is exactly {{.T "key"}} (with the dot the page) or
// {{$.T "key"}}, and its key.
func fixedText(p *parse.PipeNode, dotIsPage bool) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 2 {
		return "", false
	}
	key, ok := p.Cmds[0].Args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	switch f := p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode:
		ok = dotIsPage && len(f.Ident) == 1 && f.Ident[0] == "T"
	case *parse.VariableNode:
		ok = len(f.Ident) == 2 && f.Ident[0] == "$" && f.Ident[1] == "T"
	default:
		ok = false
	}
	return key.Text, ok
}

// plainEscapers are html/template's escapers that, for a string, are HTML escaping and
// nothing else (text, a quoted attribute value, RCDATA such as <title> and <textarea>).
var plainEscapers = map[string]bool{
	"_html_template_htmlescaper":   true,
	"_html_template_attrescaper":   true,
	"_html_template_rcdataescaper": true,
}

// inlineEscaped turns {{"text" | one plain escaper}} into the escaped text as template text.
func inlineEscaped(n parse.Node, plain *template.Template) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			if a, ok := c.(*parse.ActionNode); ok {
				if s, ok := escapedConstant(a.Pipe, plain); ok {
					n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(s)}
					continue
				}
			}
			inlineEscaped(c, plain)
		}
	case *parse.IfNode:
		inlineEscaped(n.List, plain)
		inlineEscaped(n.ElseList, plain)
	case *parse.WithNode:
		inlineEscaped(n.List, plain)
		inlineEscaped(n.ElseList, plain)
	case *parse.RangeNode:
		inlineEscaped(n.List, plain)
		inlineEscaped(n.ElseList, plain)
	}
}

// urlEscapers are html/template's escapers of a URL in an attribute; for a path of letters,
// digits and "/._-" (a static file's address) each of them, and the plain ones, leave it as
// it is.
var urlEscapers = map[string]bool{
	"_html_template_urlfilter":     true,
	"_html_template_urlnormalizer": true,
}

func escapedConstant(p *parse.PipeNode, plain *template.Template) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) < 2 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	s, ok := p.Cmds[0].Args[0].(*parse.StringNode)
	if !ok {
		return "", false
	}
	if len(p.Cmds) > 2 || !plainEscapers[escaperName(p.Cmds[1])] {
		// A static file's address: unchanged by every escaper of the chain.
		for _, c := range p.Cmds[1:] {
			if n := escaperName(c); !urlEscapers[n] && !plainEscapers[n] {
				return "", false
			}
		}
		if !strings.HasPrefix(s.Text, "/static/") || strings.ContainsFunc(s.Text, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-", r))
		}) {
			return "", false
		}
		return s.Text, true
	}
	// html/template's own escaping of a string in HTML text (plain is "{{.}}").
	var b bytes.Buffer
	if err := plain.Execute(&b, s.Text); err != nil {
		return "", false
	}
	return b.String(), true
}

// escaperName is the function a command of an escaped pipeline calls, or "".
func escaperName(c *parse.CommandNode) string {
	if len(c.Args) != 1 {
		return ""
	}
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		return id.Ident
	}
	return ""
}

// sameAsSource, in tests only, renders entry of page name from its source set and reports a
// difference from out, what the translated copy gave. Every page a test renders is thus
// checked byte for byte.
func (s *Server) sameAsSource(name, entry string, p *Page, out []byte) error {
	if !testing.Testing() {
		return nil
	}
	src, err := s.sourcePage(name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := src.ExecuteTemplate(&b, entry, p); err != nil {
		return fmt.Errorf("template %s: source: %w", name, err)
	}
	if !bytes.Equal(b.Bytes(), out) {
		i := 0
		for i < len(out) && i < b.Len() && out[i] == b.Bytes()[i] {
			i++
		}
		from := max(0, i-80)
		return fmt.Errorf("template %s (%s): the translated copy differs from the source at byte %d: %q … against %q …",
			name, p.Locale, i, out[from:min(len(out), i+80)], b.Bytes()[from:min(b.Len(), i+80)])
	}
	return nil
}
