package store_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"lots/internal/store"
)

// The names an outside test uploaded through the API, and other hostile or awkward ones, as
// they are stored and sent back in Content-Disposition.
func TestUploadFileNamesAreMadeSafe(t *testing.T) {
	for in, want := range map[string]string{
		"../../../etc/passwd":                   "passwd.pdf",
		`..\..\windows\win.ini`:                 "win.ini.pdf",
		"<img src=x onerror=alert(1)>.pdf":      "img src_x onerror_alert(1).pdf",
		`samtycke "underskrivet".pdf`:           "samtycke _underskrivet.pdf",
		"a\r\nContent-Type: text/html.pdf":      "html.pdf",
		"\x00\x00.pdf":                          "samtycke.pdf",
		".htaccess":                             "htaccess.pdf",
		"":                                      "samtycke.pdf",
		"Samtycke Åsa Öberg 2026-03-10.PDF":     "Samtycke Åsa Öberg 2026-03-10.pdf",
		"skanning.jpeg":                         "skanning.jpeg.pdf", // a PDF is a PDF, whatever the name says
		"formulär.pdf.exe":                      "formulär.pdf.exe.pdf",
		"%2e%2e%2fpasswd":                       "2e_2e_2fpasswd.pdf",
		"a/b/c/..":                              "samtycke.pdf",
		"report;filename*=UTF-8''evil.html.pdf": "report_filename_UTF-8_evil.html.pdf",
		"  .  ":                                 "samtycke.pdf",
	} {
		if got := store.SafeFileNameForTest(in, ".pdf"); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
	if got := store.SafeFileNameForTest("bild.JPEG", ".jpg"); got != "bild.jpg" {
		t.Errorf("a JPEG called .JPEG: %q", got)
	}
	long := store.SafeFileNameForTest(strings.Repeat("å", 300)+".pdf", ".pdf")
	if utf8.RuneCountInString(long) != 100 || !strings.HasSuffix(long, ".pdf") {
		t.Errorf("a long name: %d characters, %q", utf8.RuneCountInString(long), long[len(long)-8:])
	}
}
