package web

import (
	"bytes"
	"io"
	"log/slog"
	"testing"
	"text/template/parse"

	"lots/internal/casework"
	"lots/internal/i18n"
)

func pretranslateServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{catalog: i18n.MustLoad(), log: slog.New(slog.DiscardHandler), assetVersion: "test"}
	if err := s.parseBase(); err != nil {
		t.Fatal(err)
	}
	return s
}

// fixedCalls counts the {{.T "key"}} and {{$.T "key"}} actions of a page set's trees.
func fixedCalls(t testing.TB, s *Server, name string, translated bool) int {
	t.Helper()
	src, err := s.sourcePage(name)
	if translated {
		src, err = s.pageTemplate(name, casework.LocaleSv)
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(parse.Node)
	walk = func(x parse.Node) {
		switch x := x.(type) {
		case *parse.ListNode:
			if x != nil {
				for _, c := range x.Nodes {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(x.List)
			walk(x.ElseList)
		case *parse.WithNode:
			walk(x.List)
			walk(x.ElseList)
		case *parse.RangeNode:
			walk(x.List)
			walk(x.ElseList)
		case *parse.ActionNode:
			if _, ok := fixedText(x.Pipe, true); ok {
				n++
			}
		}
	}
	for _, x := range src.Templates() {
		if x.Tree != nil && (x.Name() == "layout.html" || x.Name() == "content") {
			walk(x.Tree.Root)
		}
	}
	return n
}

// The translated copy of a page has no fixed-text calls left in the layout and the page's
// own content (where the dot is always the page), and it renders what the source renders.
func TestFixedTextsAreTranslatedOnce(t *testing.T) {
	s := pretranslateServer(t)
	for _, name := range []string{"case_show", "home", "error", "login"} {
		before, after := fixedCalls(t, s, name, false), fixedCalls(t, s, name, true)
		if before == 0 || after != 0 {
			t.Errorf("%s: %d fixed-text calls in the source, %d left in the translated copy (want >0 and 0)", name, before, after)
		}
	}
	for _, l := range []casework.Locale{casework.LocaleSv, casework.LocaleEn} {
		p := &Page{s: s, Locale: l, Title: "T", Form: map[string]string{}, ErrorMsg: "Något gick fel <&> \"+'"}
		tr, err := s.pageTemplate("error", l)
		if err != nil {
			t.Fatal(err)
		}
		src, _ := s.sourcePage("error")
		var a, b bytes.Buffer
		if err := tr.ExecuteTemplate(&a, "layout.html", p); err != nil {
			t.Fatal(err)
		}
		if err := src.ExecuteTemplate(&b, "layout.html", p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the translated error page differs from the source", l)
		}
		if err := s.sameAsSource("error", "layout.html", p, append(a.Bytes(), 'x')); err == nil {
			t.Error("a changed page was not reported")
		}
	}
}

// BenchmarkRenderPage renders the error page (the layout with its navigation and a message)
// from the source set and from the translated copy.
func BenchmarkRenderPage(b *testing.B) {
	s := pretranslateServer(b)
	p := &Page{s: s, Locale: casework.LocaleSv, Title: "T", Form: map[string]string{}, ErrorMsg: "Något gick fel",
		Actor: &casework.Actor{User: casework.User{Name: "Anna", Roles: []casework.Role{casework.RoleCoordinator}}}}
	p.Nav = s.nav(*p.Actor, "/", p.Locale)
	tr, _ := s.pageTemplate("error", casework.LocaleSv)
	src, _ := s.sourcePage("error")
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"source", func() error { return src.ExecuteTemplate(io.Discard, "layout.html", p) }},
		{"translated", func() error { return tr.ExecuteTemplate(io.Discard, "layout.html", p) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Every page parses, with the layout and the partials, and its translated copy can be made in
// every language (pages are parsed on first use, so this is where a broken one shows).
func TestEveryPageParsesAndTranslates(t *testing.T) {
	s := pretranslateServer(t)
	if len(s.tmpl.names) < 50 {
		t.Fatalf("only %d pages found", len(s.tmpl.names))
	}
	for name := range s.tmpl.names {
		src, err := s.sourcePage(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if src.Lookup("content") == nil {
			continue // not a page of the layout (the consent form has its own)
		}
		for _, l := range []casework.Locale{casework.LocaleSv, casework.LocaleEn} {
			if _, err := s.pageTemplate(name, l); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := s.pageTemplate("no_such_page", casework.LocaleSv); err == nil {
		t.Error("a page that does not exist was found")
	}
}
