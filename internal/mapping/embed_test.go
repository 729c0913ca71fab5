package mapping_test

import "embed"

//go:embed testdata
var testdataFS embed.FS
