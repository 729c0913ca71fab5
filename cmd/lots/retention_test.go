package main

import (
	"context"
	"strings"
	"testing"

	"lots/internal/app"
	"lots/internal/envelope"
)

// TestRetentionRunWaitsForTheServersJob: `lots retention run` by hand does not run beside the
// daily retention of a `lots serve` on the same database (issue 18), and runs once it is done.
func TestRetentionRunWaitsForTheServersJob(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runLots(t, "municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun",
		"--admin", "ada", "--admin-name", "Ada Admin"); err != nil {
		t.Fatal(err)
	}
	keys, err := envelope.ParseKeyring(testKey())
	if err != nil {
		t.Fatal(err)
	}
	serve, err := app.Open(context.Background(), app.Config{DataDir: data, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer serve.Close()
	err = serve.Store.RunOnce(context.Background(), "retention", func(context.Context) error {
		_, _, err := runLots(t, "retention", "run", "--data", data, "--municipality", "0180")
		if err == nil || !strings.Contains(err.Error(), "retention is running now") {
			t.Errorf("retention run beside the server's: %v; want it refused", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err := runLots(t, "retention", "run", "--data", data, "--municipality", "0180"); err != nil || !strings.Contains(out, "0180") {
		t.Fatalf("retention run afterwards: %v\n%s", err, out)
	}
}
