// Package mapping is the needs and resource mapping (behovs- och resurskartläggning) and the
// capacity rules, without I/O: reading Statistics Sweden's population files and the
// resource registry's CSV, the joint picture of needs, population and resources per district
// and age band, the gap analysis, and the caseload warnings. The needs come from the
// dashboard's published releases only (already suppressed, stats.Suppress), so nothing here
// can show a figure resting on fewer than five young people.
package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"lots/internal/casework"
)

// MaxErrors is how many line errors a refused file reports at most.
const MaxErrors = 20

// decode returns the file's text: UTF-8 with or without a byte order mark, or Latin-1
// (ISO 8859-1, what older exports from Statistics Sweden's database are). A file that is
// neither is refused at the line and column (field) of its first bad byte: a NUL byte; in a
// file with UTF-8 characters, a byte that is not UTF-8 (a UTF-8 file damaged, or two encodings
// mixed); in a Latin-1 file, a control character Latin-1 text never has (0x80–0x9F, as
// Windows-1252's quotes and euro sign are).
func decode(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", badByte(b, i)
	}
	if utf8.Valid(b) {
		return string(b), nil
	}
	// UTF-8 characters and a byte that is not: UTF-8, damaged at its first bad byte.
	first, multibyte := -1, false
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			if first < 0 {
				first = i
			}
			n = 1
		}
		multibyte = multibyte || n > 1
		i += n
	}
	if multibyte {
		return "", badByte(b, first)
	}
	var sb strings.Builder
	for i, c := range b {
		if c >= 0x80 && c < 0xa0 {
			return "", badByte(b, i)
		}
		sb.WriteRune(rune(c))
	}
	return sb.String(), nil
}

// badByte is the encoding error of the byte at i: its line, and its column as the field
// (counting the semicolons before it on the line outside quotes).
func badByte(b []byte, i int) error {
	line := 1 + bytes.Count(b[:i], []byte("\n"))
	start := bytes.LastIndexByte(b[:i], '\n') + 1
	col, quoted := 1, false
	for _, c := range b[start:i] {
		switch {
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			col++
		}
	}
	return casework.Invalid("file", "import13.encoding_at", line, col, fmt.Sprintf("0x%02X", b[i]))
}

// lineErrors gathers a file's errors, each naming its line and column: every key's text
// begins with "Rad %[1]d, kolumn %[2]d".
type lineErrors struct{ fe casework.FieldErrors }

func (l *lineErrors) add(line, col int, key string, args ...any) {
	if len(l.fe) < MaxErrors {
		l.fe.Add("file", key, append([]any{line, col}, args...)...)
	}
}

func (l *lineErrors) err() error { return l.fe.Err() }

// records reads semicolon-separated records, each with its line number. A file without a
// semicolon whose lines have commas or tabs is refused as the wrong delimiter.
func records(text string) ([][]string, []int, error) {
	return recordsWith(text, func(string, int, int) {})
}

// recordsWith is records telling progress how many of the text's lines it has read.
func recordsWith(text string, progress Progress) ([][]string, []int, error) {
	total := strings.Count(text, "\n")
	if !strings.HasSuffix(text, "\n") {
		total++
	}
	progress(PhaseReading, 0, total)
	if !strings.Contains(text, ";") {
		for i, line := range strings.Split(text, "\n") {
			if strings.ContainsAny(line, ",\t") {
				return nil, nil, casework.Invalid("file", "mapping.csv.delimiter", i+1, 1)
			}
		}
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var out [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, casework.Invalid("file", "mapping.csv.syntax", pe.Line, pe.Column)
			}
			return nil, nil, casework.Invalid("file", "mapping.csv.syntax", 0, 0)
		}
		line, _ := r.FieldPos(0)
		if len(out)%ProgressEvery == 0 && len(out) > 0 {
			progress(PhaseReading, min(line, total), total)
		}
		blank := true
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
			if rec[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		out = append(out, rec)
		lines = append(lines, line)
	}
	progress(PhaseReading, total, total)
	return out, lines, nil
}

// readRecords decodes a file and reads its records with their line numbers.
func readRecords(b []byte) ([][]string, []int, error) {
	text, err := decode(b)
	if err != nil {
		return nil, nil, err
	}
	return records(text)
}

// norm is a name compared without case and surrounding space.
func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
