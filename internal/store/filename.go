package store

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileNameRunes bounds a stored file name.
const maxFileNameRunes = 100

// safeFileName is the name an uploaded file is stored and sent back under, whatever the client
// called it: the part after the last / or \ (no directories: "../../../etc/passwd" is
// "passwd"), letters, digits, spaces and . - _ ( ) + , only (everything else — control
// characters, quotes, < > : | ? * % ; — becomes "_"), no leading dot, at most 100 characters,
// and always the extension of the type its content was found to have (ext, e.g. ".pdf"). An
// empty result is fallback + ext. The web upload and the API store the same name; the download
// sends it in Content-Disposition, where nothing of it can be read as markup or a header.
func safeFileName(name, ext, fallback string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError:
			b.WriteRune('_')
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_()+,", r):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	name = b.String()
	for strings.Contains(name, "__") {
		name = strings.ReplaceAll(name, "__", "_")
	}
	for strings.Contains(name, "..") {
		name = strings.ReplaceAll(name, "..", ".")
	}
	base := name
	if e := path.Ext(name); strings.EqualFold(e, ext) || (ext == ".jpg" && strings.EqualFold(e, ".jpeg")) {
		base = strings.TrimSuffix(name, e)
	}
	base = strings.Trim(base, " ._")
	if r := []rune(base); len(r) > maxFileNameRunes-len(ext) {
		base = strings.Trim(string(r[:maxFileNameRunes-len(ext)]), " ._")
	}
	if base == "" {
		base = fallback
	}
	return base + ext
}
