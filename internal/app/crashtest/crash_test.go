// Package crashtest kills a running Lots with SIGKILL while people read and write cases, then
// opens its database again and checks what the access log promises: every answer that reached
// a client has its audit entry, and the log verifies.
package crashtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lots/internal/app"
	"lots/internal/audit"
	"lots/internal/auth"
	"lots/internal/casework"
	"lots/internal/demo"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// childEnv makes the test binary a Lots server on the data directory it names.
const childEnv = "LOTS_CRASHTEST_DATA"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		serveChild(dir)
		return
	}
	os.Exit(m.Run())
}

// serveChild runs Lots on dir until it is killed, printing its address.
func serveChild(dir string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	a, err := app.Open(ctx, childConfig(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	l, err := a.Listen()
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(2)
	}
	fmt.Println("ADDR", l.Addr().String())
	if err := a.Serve(ctx, l); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
	}
}

// childConfig is the server's configuration on dir, with the master key prepare wrote there.
func childConfig(dir string) app.Config {
	b, err := os.ReadFile(filepath.Join(dir, "lots.key"))
	if err != nil {
		panic(err)
	}
	keys, err := envelope.ParseKeyring(string(b))
	if err != nil {
		panic(err)
	}
	return app.Config{Addr: "127.0.0.1:0", DataDir: dir, HashParams: auth.FastParams, Keys: keys}
}

// world is what the parent prepared: the cases and the people who read them.
type world struct {
	dir    string
	mid    int64
	cases  []int64
	youth  map[int64]int64 // case → young person
	users  map[string]int64
	writer []int64 // cases the coordinator writes notes to
}

// prepare builds Demo kommun's people and a handful of cases the coordinator works on, some
// with a consent that lets the police in, then closes the database.
func prepare(t *testing.T) world {
	t.Helper()
	w := world{dir: t.TempDir(), youth: map[int64]int64{}, users: map[string]int64{}}
	key, err := envelope.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "lots.key"), []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, childConfig(w.dir))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := demo.LoadBase(ctx, a.Store, a.Hasher); err != nil {
		t.Fatal(err)
	}
	f := storetest.Existing(t, a.Store, "9999", map[casework.Role]string{casework.RoleCoordinator: "samordnare"})
	w.mid = f.Municipality.ID
	for _, u := range []string{"samordnare", "polis"} {
		id, err := a.Store.UserIDByUsername(ctx, w.mid, u)
		if err != nil {
			t.Fatal(err)
		}
		w.users[u] = id
	}
	for i := 0; i < 6; i++ {
		rc := f.Concern(t, a.Store, casework.RoleCoordinator, "Krasch", fmt.Sprintf("Provsson%d", i), storetest.TestPersonalNumbers[i])
		target := casework.StepAssessment
		if i%2 == 0 {
			target = casework.StepPlanning // consent given: the police read these
		}
		f.Advance(t, a.Store, rc.CaseID, target, storetest.ConsentSpec{})
		cd, err := a.Store.CaseDetail(f.Ctx(t, a.Store, casework.RoleCoordinator), rc.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		w.cases = append(w.cases, rc.CaseID)
		w.youth[rc.CaseID] = cd.Case.YouthID
		if i%3 == 0 {
			w.writer = append(w.writer, rc.CaseID)
		}
	}
	return w
}

// child is a running Lots in another process.
type child struct {
	cmd  *exec.Cmd
	addr string
}

func start(t *testing.T, dir string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	addr := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if a, ok := strings.CutPrefix(lines.Text(), "ADDR "); ok {
				addr <- a
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return &child{cmd: cmd, addr: "http://" + a}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the server did not start")
	}
	return nil
}

func login(t *testing.T, base, username string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(base+"/login", url.Values{"username": {username}, "password": {demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", username, res.StatusCode)
	}
	return c
}

// answered counts the answers that reached a client, per user and young person.
type answered struct {
	mu sync.Mutex
	n  map[[2]int64]int
}

func (a *answered) add(user, youth int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n[[2]int64{user, youth}]++
}

// TestKilledUnderLoadLosesNoAuditEntry: eight clients read case pages (the coordinator and the
// police) and add notes while the server is killed with SIGKILL, three times over. After each
// kill the database opens, every answer a client received — a page that showed a young
// person's case, or a note that was saved — has its audit entry, and the log verifies.
func TestKilledUnderLoadLosesNoAuditEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	w := prepare(t)
	got := &answered{n: map[[2]int64]int{}}
	for round := 0; round < 3; round++ {
		c := start(t, w.dir)
		clients := map[string]*http.Client{"samordnare": login(t, c.addr, "samordnare"), "polis": login(t, c.addr, "polis")}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := "samordnare"
				if g%2 == 1 {
					user = "polis"
				}
				cl := clients[user]
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					caseID := w.cases[(g+i)%len(w.cases)]
					path := c.addr + "/cases/" + strconv.FormatInt(caseID, 10)
					var res *http.Response
					var err error
					if user == "samordnare" && i%5 == 0 {
						caseID = w.writer[i%len(w.writer)]
						res, err = postNote(cl, c.addr, caseID, fmt.Sprintf("Anteckning %d-%d-%d", round, g, i))
					} else {
						res, err = cl.Get(path)
					}
					if err != nil {
						continue // killed mid-request: no answer, nothing promised
					}
					_, rerr := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if rerr == nil && (res.StatusCode == http.StatusOK || res.StatusCode == http.StatusSeeOther) {
						got.add(w.users[user], w.youth[caseID])
					}
				}
			}()
		}
		time.Sleep(time.Duration(600+400*round) * time.Millisecond)
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = c.cmd.Wait()
		close(stop)
		wg.Wait()
		check(t, w, got)
	}
}

func postNote(c *http.Client, base string, caseID int64, text string) (*http.Response, error) {
	return c.PostForm(base+"/cases/"+strconv.FormatInt(caseID, 10)+"/notes", url.Values{"category": {"basic"}, "text": {text}})
}

// check opens the killed server's database: every answer counted has an entry about that
// young person by that user, and the log verifies.
func check(t *testing.T, w world, got *answered) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{DataDir: w.dir, Keys: childConfig(w.dir).Keys})
	if err != nil {
		t.Fatalf("the database does not open after the kill: %v", err)
	}
	defer s.Close()
	if _, err := s.VerifyAudit(ctx, w.mid); err != nil {
		t.Fatalf("the audit log does not verify after the kill: %v", err)
	}
	logged := map[[2]int64]int{}
	err = s.AuditEntries(ctx, store.AuditFilter{MunicipalityID: w.mid, AfterSeq: -1}, func(e audit.Entry) error {
		if e.Allowed && e.YouthID != 0 {
			logged[[2]int64{e.UserID, e.YouthID}]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got.mu.Lock()
	defer got.mu.Unlock()
	total := 0
	for k, n := range got.n {
		total += n
		if logged[k] < n {
			t.Errorf("user %d received %d answers about young person %d, the log holds %d entries", k[0], n, k[1], logged[k])
		}
	}
	if total == 0 {
		t.Fatal("no client received an answer before the kill: the test proves nothing")
	}
	if !t.Failed() {
		t.Logf("%d answers received so far, every one in the log", total)
	}
}
