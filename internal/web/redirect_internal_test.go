package web

import "testing"

// The WHATWG URL parser, which browsers use on a Location header, drops tabs, newlines and
// CRs anywhere, trims C0 controls and spaces at the ends, and reads "\" as "/". Every value
// below that a browser would send off-site must come back as "/".
func TestSafeNextRefusesWhatBrowsersResolveOffSite(t *testing.T) {
	offSite := []string{
		"//evil.example/",
		"/\\evil.example",
		"\\\\evil.example",
		"\\/evil.example",
		"/\t/evil.example", // next=/%09/evil.example, the finding
		"/\n/evil.example", // %0A
		"/\r/evil.example", // %0D
		"/\r\n/evil.example",
		"\t//evil.example",
		" //evil.example",
		"\x00//evil.example",
		"/\t\\evil.example",
		"https://evil.example/",
		"http:evil.example",
		"javascript:alert(1)",
		"//user@evil.example",
		"///evil.example",
		"evil.example",
		"",
		"/\x00/evil.example",
		"/\x7f/evil.example",
	}
	for _, v := range offSite {
		if got := safeNext(v); got != "/" {
			t.Errorf("safeNext(%q) = %q, want /", v, got)
		}
	}
	local := map[string]string{
		"/":                   "/",
		"/settings":           "/settings",
		"/cases?step=consent": "/cases?step=consent",
		"/cases/12#plan":      "/cases/12#plan",
		"/%2F/evil.example":   "/%2F/evil.example", // a literal %2F stays a path on this site
		"/%09/evil.example":   "/%09/evil.example", // likewise a literal %09 (browsers do not decode it)
		" /settings ":         "/settings",
		"/worklist?q=a%20b":   "/worklist?q=a%20b",
	}
	for in, want := range local {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
