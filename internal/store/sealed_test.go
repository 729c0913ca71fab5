package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"lots/internal/casework"
	"lots/internal/envelope"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// openWith opens (or reopens) the store at dsn with a key ring.
func openWith(t *testing.T, dsn string, keys *envelope.Keyring, now func() time.Time) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Config{DSN: dsn, Keys: keys, Now: now})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

// onDisk reads every file of a SQLite database (the main file and its write-ahead log).
func onDisk(t *testing.T, dsn string) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(dsn + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// sealedFixture is a case with a signed consent scan and addresses, made under keys.
type sealedFixture struct {
	caseID, consentID int64
	pdf               []byte
}

const (
	scanMarker    = "UNDERSKRIFT-Vårdnadshavare-Ölund"
	addressMarker = "Hemligvägen 42"
	adultMarker   = "Skyddsgatan 9"
)

func makeSealed(t *testing.T, s *store.Store, f *storetest.Fixture) sealedFixture {
	t.Helper()
	coord := f.Ctx(t, s, casework.RoleCoordinator)
	rc := f.Concern(t, s, casework.RoleCoordinator, "Siv", "Sigill", pnr[3])
	in := casework.YouthInput{FirstName: "Siv", LastName: "Sigill", PersonalNumber: pnr[3], DistrictID: f.Districts[0].ID, Address: addressMarker}
	if err := s.UpdateYouth(coord, rc.CaseID, in); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveRelatedPerson(coord, rc.CaseID, &casework.RelatedPerson{Kind: casework.RelGuardian, Name: "Vera Sigill",
		Relation: "mamma", HasCustody: true, Address: adultMarker}); err != nil {
		t.Fatal(err)
	}
	f.Advance(t, s, rc.CaseID, casework.StepConsent, storetest.ConsentSpec{})
	c := f.Consent(t, s, rc.CaseID, storetest.ConsentSpec{Unsigned: true})
	pdf := []byte("%PDF-1.4\n% " + scanMarker + "\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	if _, err := s.AttachConsentEvidence(coord, rc.CaseID, c.ID, "samtycke.pdf", "application/pdf", pdf); err != nil {
		t.Fatal(err)
	}
	return sealedFixture{caseID: rc.CaseID, consentID: c.ID, pdf: pdf}
}

// readBack reads the scan and the addresses through Lots.
func readBack(t *testing.T, s *store.Store, f *storetest.Fixture, x sealedFixture) {
	t.Helper()
	coord := f.Ctx(t, s, casework.RoleCoordinator)
	file, err := s.ConsentEvidence(coord, x.caseID, x.consentID)
	if err != nil || !bytes.Equal(file.Data, x.pdf) {
		t.Fatalf("the scan read through Lots: %v (%d bytes)", err, len(file.Data))
	}
	cd, err := s.CaseDetail(coord, x.caseID)
	if err != nil || cd.Youth.Address != addressMarker {
		t.Fatalf("the address read through Lots: %q %v", cd.Youth.Address, err)
	}
	ps, err := s.RelatedPersons(coord, x.caseID)
	if err != nil || len(ps) != 1 || ps[0].Address != adultMarker {
		t.Fatalf("the guardian's address read through Lots: %+v %v", ps, err)
	}
}

// Evidence and addresses are sealed: the database (on SQLite its very files) holds no trace of
// them, and Lots reads them back as they were written.
func TestEvidenceAndAddressesAreEncryptedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		keys := envelope.Ephemeral()
		clock := storetest.NewClock(t0)
		s := openWith(t, dsn, keys, clock.Now)
		defer s.Close()
		f := storetest.Seed(t, s, "9901", "")
		x := makeSealed(t, s, f)
		readBack(t, s, f, x)

		db := rawDB(t, dsn, e)
		var data []byte
		if err := db.QueryRow(`SELECT data FROM files`).Scan(&data); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(scanMarker)) || !envelope.IsSealed(data) {
			t.Error("the stored scan is readable without the key")
		}
		var addr, adult string
		if err := db.QueryRow(`SELECT address FROM youths`).Scan(&addr); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(`SELECT address FROM related_persons`).Scan(&adult); err != nil {
			t.Fatal(err)
		}
		if !envelope.IsSealedString(addr) || !envelope.IsSealedString(adult) || strings.Contains(addr+adult, "gatan") || strings.Contains(addr, "vägen") {
			t.Errorf("the stored addresses are readable without the key: %q %q", addr, adult)
		}
		if e == storetest.SQLite {
			disk := onDisk(t, dsn)
			for _, m := range []string{scanMarker, addressMarker, adultMarker} {
				if bytes.Contains(disk, []byte(m)) {
					t.Errorf("%q is in the database files on disk", m)
				}
			}
			if !bytes.Contains(disk, []byte("Sigill")) {
				t.Error("the check of the files on disk is blind: the (unsealed) surname is not found either")
			}
		}
		// Another key does not open them: Lots refuses to start with it, rather than start and
		// fail at the first scan or address.
		s.Close()
		if other, err := store.Open(context.Background(), store.Config{DSN: dsn, Keys: envelope.Ephemeral(), Now: clock.Now}); !errors.Is(err, store.ErrWrongKey) {
			if other != nil {
				other.Close()
			}
			t.Errorf("opened under another key: %v", err)
		}
	})
}

// Key rotation: with the new key first and the old one after, lots key rotate re-wraps every
// sealed value; then the new key alone reads everything. Values written before sealing existed
// (plain text in the database) are sealed when Lots opens it.
func TestKeyRotationAndSealingOldValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, e storetest.Engine) {
		dsn := storetest.DSN(t, e)
		oldLine, _ := envelope.Generate()
		newLine, _ := envelope.Generate()
		ring := func(lines ...string) *envelope.Keyring {
			kr, err := envelope.ParseKeyring(strings.Join(lines, "\n"))
			if err != nil {
				t.Fatal(err)
			}
			return kr
		}
		clock := storetest.NewClock(t0)
		s := openWith(t, dsn, ring(oldLine), clock.Now)
		f := storetest.Seed(t, s, "9901", "")
		x := makeSealed(t, s, f)
		s.Close()

		// A plain address, as a database from before sealing holds it.
		db := rawDB(t, dsn, e)
		if _, err := db.Exec(`UPDATE related_persons SET address = 'Gamla gatan 1'`); err != nil {
			t.Fatal(err)
		}
		s = openWith(t, dsn, ring(newLine, oldLine), clock.Now)
		var adult string
		if err := db.QueryRow(`SELECT address FROM related_persons`).Scan(&adult); err != nil || !envelope.IsSealedString(adult) {
			t.Fatalf("opening did not seal the plain address: %q %v", adult, err)
		}
		n, err := s.RotateKeys(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n["files.data"] != 1 || n["youths.address"] != 1 || n["related_persons.address"] != 0 {
			t.Errorf("re-wrapped %v; want the scan and the young person's address (the adult's was sealed under the new key)", n)
		}
		if again, _ := s.RotateKeys(context.Background()); again["files.data"]+again["youths.address"] != 0 {
			t.Errorf("a second rotation found more to do: %v", again)
		}
		s.Close()
		s = openWith(t, dsn, ring(newLine), clock.Now)
		defer s.Close()
		coord := f.Ctx(t, s, casework.RoleCoordinator)
		file, err := s.ConsentEvidence(coord, x.caseID, x.consentID)
		if err != nil || !bytes.Equal(file.Data, x.pdf) {
			t.Fatalf("the new key alone does not read the scan: %v", err)
		}
		ps, err := s.RelatedPersons(coord, x.caseID)
		if err != nil || ps[0].Address != "Gamla gatan 1" {
			t.Fatalf("the formerly plain address: %+v %v", ps, err)
		}
	})
}
