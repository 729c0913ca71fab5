// Package csvout is the one CSV writer of Lots: every CSV file a person downloads (the
// follow-up figures, the access-log extract) is written with it, so none can carry a formula
// into a spreadsheet (CSV injection, OWASP).
package csvout

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
)

// Writer builds a CSV file for spreadsheets: UTF-8 with a byte-order mark (so Excel shows å, ä
// and ö), RFC 4180 quoting, CRLF line ends, and every cell neutralised (Neutralise).
type Writer struct {
	buf bytes.Buffer
	cw  *csv.Writer
}

// New returns a writer with the given field separator: ',' or, for a spreadsheet in Swedish
// (where ',' is the decimal mark), ';'.
func New(comma rune) *Writer {
	w := &Writer{}
	w.buf.WriteString("\ufeff")
	w.cw = csv.NewWriter(&w.buf)
	w.cw.Comma = comma
	w.cw.UseCRLF = true
	return w
}

// Row writes one row, each cell neutralised.
func (w *Writer) Row(cells ...string) {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = Neutralise(c)
	}
	_ = w.cw.Write(out) // into a bytes.Buffer: cannot fail
}

// Bytes ends the file and returns it.
func (w *Writer) Bytes() []byte {
	w.cw.Flush()
	return w.buf.Bytes()
}

// plainNumber is a cell a spreadsheet reads as a number and nothing else ("-3", "12,5").
var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+([.,][0-9]+)?$`)

// formulaStart are the characters with which a spreadsheet (Excel, LibreOffice, Google
// Sheets) starts a formula or a command: = + - @, tab and CR (OWASP), and their full-width
// forms, which some programs read the same way.
const formulaStart = "=+-@\t\r\n＝＋－＠"

// Neutralise keeps a spreadsheet from reading a cell as a formula: a cell that starts with one
// of the formula characters gets a leading apostrophe, which the spreadsheet shows as text and
// does not display. A plain number ("-3", "0,5") is left as it is: it cannot be a formula, and
// must stay a number.
func Neutralise(cell string) string {
	if cell == "" || plainNumber.MatchString(cell) {
		return cell
	}
	for _, r := range formulaStart {
		if strings.HasPrefix(cell, string(r)) {
			return "'" + cell
		}
	}
	return cell
}

// Restore reads back a cell Neutralise wrote: the apostrophe before a formula character goes
// (an import of a file Lots exported gets the value that was exported).
func Restore(cell string) string {
	rest, ok := strings.CutPrefix(cell, "'")
	if !ok {
		return cell
	}
	for _, r := range formulaStart {
		if strings.HasPrefix(rest, string(r)) {
			return rest
		}
	}
	return cell
}
