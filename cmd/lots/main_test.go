package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lots/internal/app"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
)

// testKey is the master key the command-line tests give Lots (LOTS_KEY).
var testKey = sync.OnceValue(func() string {
	k, err := envelope.Generate()
	if err != nil {
		panic(err)
	}
	return k
})

// runLots runs the command line as a user would, without the environment's LOTS_* settings but
// with a master key in LOTS_KEY.
func runLots(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	for _, v := range []string{"LOTS_DB", "LOTS_DB_FILE", "LOTS_DATA", "LOTS_ADDR", "LOTS_TRUSTED_PROXIES", "LOTS_TRUST_PROXY", "LOTS_KEY_FILE"} {
		t.Setenv(v, "")
	}
	t.Setenv("LOTS_KEY", testKey())
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
	keys, err := envelope.ParseKeyring(testKey())
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), app.Config{DataDir: data, Keys: keys})
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

// Lots refuses to start without a master key — no silent plain-text fallback — and says how to
// make one; a key file that holds no key is refused too.
func TestCommandsRefuseToStartWithoutAKey(t *testing.T) {
	data := t.TempDir()
	for _, v := range []string{"LOTS_DB", "LOTS_DB_FILE", "LOTS_DATA", "LOTS_ADDR", "LOTS_KEY", "LOTS_KEY_FILE"} {
		t.Setenv(v, "")
	}
	var out, errOut bytes.Buffer
	for _, args := range [][]string{
		{"serve", "--data", data, "--addr", "127.0.0.1:0"},
		{"municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun", "--admin", "ada", "--admin-name", "Ada"},
		{"audit", "verify", "--data", data},
	} {
		err := run(context.Background(), args, &out, &errOut)
		if !errors.Is(err, envelope.ErrNoKey) || !strings.Contains(err.Error(), "lots key generate") {
			t.Errorf("lots %s without a key: %v", args[0], err)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "lots.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a database was created without a key: %v", err)
	}
	empty := filepath.Join(t.TempDir(), "empty.key")
	if err := os.WriteFile(empty, []byte("# no key here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"serve", "--data", data, "--key-file", empty}, &out, &errOut); err == nil {
		t.Error("a key file without a key was accepted")
	}
}

// lots key generate prints a key the key file takes; lots demo (its key part) creates a key
// file in the data directory on the first run and reuses it after.
func TestKeyGenerateAndTheDemoKey(t *testing.T) {
	out, _, err := runLots(t, "key", "generate")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := envelope.ParseKeyring(out); err != nil {
		t.Fatalf("the generated key is not a key: %v (%q)", err, out)
	}
	t.Setenv("LOTS_KEY", "")
	c := common{data: t.TempDir()}
	var said bytes.Buffer
	first, err := c.demoKeys(&said)
	if err != nil || !strings.Contains(said.String(), "lots.key") {
		t.Fatalf("first demo run: %v %q", err, said.String())
	}
	st, err := os.Stat(filepath.Join(c.data, "lots.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the demo key file: %v %v", err, st)
	}
	said.Reset()
	c2 := common{data: c.data}
	again, err := c2.demoKeys(&said)
	if err != nil || again.CurrentID() != first.CurrentID() || said.Len() != 0 {
		t.Fatalf("second demo run made another key: %v %s %s %q", err, again, first, said.String())
	}
}

// lots backup writes a sealed file (not overwritten later); lots restore puts it into an empty
// data directory and says that it verified; it refuses a directory that holds a database.
func TestBackupAndRestoreCommands(t *testing.T) {
	data, other := t.TempDir(), t.TempDir()
	if _, _, err := runLots(t, "municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun",
		"--admin", "ada", "--admin-name", "Ada Admin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lots.backup")
	out, _, err := runLots(t, "backup", "--data", data, "--out", file)
	if err != nil || !strings.Contains(out, "audit log") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, _, err := runLots(t, "backup", "--data", data, "--out", file); err == nil {
		t.Fatal("a backup overwrote another")
	}
	b, err := os.ReadFile(file)
	if err != nil || bytes.Contains(b, []byte("Exempelkommun")) || bytes.Contains(b, []byte("SQLite format")) {
		t.Fatalf("the backup is readable: %v", err)
	}
	out, _, err = runLots(t, "restore", "--data", other, "--from", file)
	if err != nil || !strings.Contains(out, "match it") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if _, _, err := runLots(t, "restore", "--data", other, "--from", file); err == nil {
		t.Fatal("restored over a database")
	}
	out, _, err = runLots(t, "restore", "--data", other, "--from", file, "--force")
	if err != nil || !strings.Contains(out, "match it") {
		t.Fatalf("restore --force: %v\n%s", err, out)
	}
}

// lots retention run --dry-run says what is due and deletes nothing; the run is on record in
// lots retention runs; an unknown municipality is refused. lots key rotate re-wraps the sealed
// values under a new first key, and the data opens with the new key file afterwards.
func TestRetentionAndKeyRotateCommands(t *testing.T) {
	data := t.TempDir()
	if _, _, err := runLots(t, "municipality", "create", "--data", data, "--code", "0180", "--name", "Exempelkommun",
		"--admin", "ada", "--admin-name", "Ada Admin"); err != nil {
		t.Fatal(err)
	}
	out, _, err := runLots(t, "retention", "run", "--dry-run", "--data", data)
	if err != nil || !strings.Contains(out, "0180 Exempelkommun") || !strings.Contains(out, "dry run (nothing deleted)") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, _, err = runLots(t, "retention", "runs", "--data", data)
	if err != nil || !strings.Contains(out, "dry run (nothing deleted) by command") {
		t.Fatalf("runs: %v\n%s", err, out)
	}
	if _, _, err := runLots(t, "retention", "run", "--data", data, "--municipality", "9998"); err == nil {
		t.Fatal("a run for a municipality that does not exist")
	}

	// A new key first, the old one after it.
	newKey, err := envelope.Generate()
	if err != nil {
		t.Fatal(err)
	}
	both := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(both, []byte(newKey+"\n"+testKey()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runLots(t, "key", "rotate", "--data", data, "--key-file", both)
	if err != nil || !strings.Contains(out, "Every sealed value is now under key") {
		t.Fatalf("rotate: %v\n%s", err, out)
	}
	only := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(only, []byte(newKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runLots(t, "retention", "runs", "--data", data, "--key-file", only); err != nil || !strings.Contains(out, "Exempelkommun") {
		t.Fatalf("the data does not open under the new key alone: %v\n%s", err, out)
	}
	// A key the data was never sealed under does not open it (so the check above means something).
	stranger, _ := envelope.Generate()
	wrong := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrong, []byte(stranger+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runLots(t, "retention", "runs", "--data", data, "--key-file", wrong); err == nil {
		t.Fatal("the data opened under a key it was never sealed under")
	}
}
