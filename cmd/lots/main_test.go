package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"lots/internal/app"
	"lots/internal/casework"
	"lots/internal/demo"
)

// runLots runs the command line as a user would, without the environment's LOTS_* settings.
func runLots(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	for _, v := range []string{"LOTS_DB", "LOTS_DB_FILE", "LOTS_DATA", "LOTS_ADDR", "LOTS_TRUSTED_PROXIES", "LOTS_TRUST_PROXY"} {
		t.Setenv(v, "")
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpNamesEveryCommandAndSetting(t *testing.T) {
	out, _, err := runLots(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lots demo", "lots serve", "lots token create --user NAME", "lots municipality create", "lots audit verify",
		"lots stats export", "LOTS_ADDR", "LOTS_DATA", "LOTS_DB", "LOTS_SECURE_COOKIES", "LOTS_TRUSTED_PROXIES", "LOTS_LOG_FORMAT", "LOTS_SMTP_ADDR"} {
		if !strings.Contains(out, want) {
			t.Errorf("lots --help does not mention %q", want)
		}
	}
	if _, _, err := runLots(t, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("an unknown command: %v", err)
	}
}

// lots serve documents --trusted-proxies in its own help, refuses a bad CIDR, and refuses the old
// --trust-proxy (which believed the client's own X-Forwarded-For) with a pointer to the new flag.
func TestServeTrustedProxiesFlag(t *testing.T) {
	_, errOut, err := runLots(t, "serve", "--help")
	if err == nil || !strings.Contains(errOut, "-trusted-proxies") || !strings.Contains(errOut, "LOTS_TRUSTED_PROXIES") {
		t.Errorf("lots serve --help: %v\n%s", err, errOut)
	}
	data := t.TempDir()
	if _, _, err := runLots(t, "serve", "--data", data, "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/33"); err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
		t.Errorf("a bad CIDR: %v", err)
	}
	if _, _, err := runLots(t, "serve", "--data", data, "--addr", "127.0.0.1:0", "--trust-proxy"); err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
		t.Errorf("--trust-proxy: %v", err)
	}
	t.Setenv("LOTS_TRUSTED_PROXIES", "not-a-cidr")
	var out, errOut2 bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--data", data, "--addr", "127.0.0.1:0"}, &out, &errOut2); err == nil || !strings.Contains(err.Error(), "not-a-cidr") {
		t.Errorf("a bad LOTS_TRUSTED_PROXIES: %v", err)
	}
}

// lots municipality create refuses a bad administrator before creating anything, then creates
// the municipality; lots token create prints a token that the API accepts for that user.
func TestMunicipalityAndTokenCommands(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runLots(t, "municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun",
		"--admin", "A", "--admin-name", "Ada Admin"); err == nil {
		t.Fatal("a one-letter username was accepted")
	}
	// Had the refused attempt created the municipality, this one would fail on the taken code.
	out, _, err := runLots(t, "municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun",
		"--admin", "ada", "--admin-name", "Ada Admin")
	if err != nil || !strings.Contains(out, "Initial password") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if _, _, err := runLots(t, "token", "create", "--data", data, "--user", "nobody"); err == nil {
		t.Fatal("a token for a user who does not exist")
	}
	token, _, err := runLots(t, "token", "create", "--data", data, "--user", "ada")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), app.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m, err := a.Store.MunicipalityByCode(context.Background(), "0180")
	if err != nil {
		t.Fatalf("the first attempt should have created nothing, the second the municipality: %v", err)
	}
	actor, err := a.Auth.TokenActor(context.Background(), strings.TrimSpace(token))
	if err != nil || actor.User.Username != "ada" || actor.User.MunicipalityID != m.ID || actor.Via != casework.ViaToken {
		t.Fatalf("the printed token: %+v %v", actor.User, err)
	}
	if _, err := a.Store.MunicipalityByCode(context.Background(), demo.Code); err == nil {
		t.Fatal("the demo municipality appeared without lots demo")
	}
}
