package main

import (
	"context"
	"errors"
	"io"
)

func cmdStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("lots stats: not built yet")
}
