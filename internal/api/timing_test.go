package api_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"lots/internal/app/apptest"
	"lots/internal/casework"
	"lots/internal/store"
	"lots/internal/store/storetest"
)

// BenchmarkRefusedVersusMissing is the timing side of "refused is not found": the police read,
// through the API, a case that exists but that they may not see, and a case id that does not
// exist, interleaved. Both answers are the same bytes; the benchmark shows that they also take
// the same time — the door reads a case's facts in one statement whether or not it exists, and
// decides and audits both alike. It reports each kind's median and 10th percentile and the
// overlap of the two distributions (the share of each kind's times that fall inside the other
// kind's 10th–90th percentile range; 1 = indistinguishable by these times).
//
//	go test -run '^$' -bench RefusedVersusMissing -benchtime 600x ./internal/api/
func BenchmarkRefusedVersusMissing(b *testing.B) {
	srv := apptest.Start(b, storetest.SQLite, apptest.Options{})
	ctx := b.Context()
	c, err := srv.App.Store.CredentialsByUsername(ctx, "samordnare")
	if err != nil {
		b.Fatal(err)
	}
	coord, err := srv.App.Store.Actor(ctx, c.User.MunicipalityID, c.User.ID, casework.ViaSession)
	if err != nil {
		b.Fatal(err)
	}
	rc, err := srv.App.Store.RegisterConcern(casework.WithActor(ctx, coord), store.ConcernInput{
		Youth:   casework.YouthInput{FirstName: "Tid", LastName: "Mätning", PersonalNumber: storetest.TestPersonalNumbers[20]},
		Ratings: storetest.IRKRatings(2),
	})
	if err != nil {
		b.Fatal(err)
	}
	tok := tokenFor(b, srv, "polis")
	get := func(id int64) time.Duration {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/cases/%d", srv.URL, id), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		d := time.Since(start)
		if res.StatusCode != http.StatusNotFound {
			b.Fatalf("status %d", res.StatusCode)
		}
		return d
	}
	for range 20 { // warm both paths
		get(rc.CaseID)
		get(rand.Int64N(1<<53-1) + 1)
	}
	var existing, missing []time.Duration
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			existing = append(existing, get(rc.CaseID))
		} else {
			missing = append(missing, get(rand.Int64N(1<<53-1)+1))
		}
	}
	b.StopTimer()
	if len(existing) < 10 || len(missing) < 10 {
		return
	}
	slices.Sort(existing)
	slices.Sort(missing)
	q := func(s []time.Duration, p float64) time.Duration { return s[int(p*float64(len(s)-1))] }
	inside := func(s []time.Duration, lo, hi time.Duration) float64 {
		n := 0
		for _, d := range s {
			if d >= lo && d <= hi {
				n++
			}
		}
		return float64(n) / float64(len(s))
	}
	b.ReportMetric(float64(q(existing, 0.5).Microseconds()), "refused-p50-µs")
	b.ReportMetric(float64(q(existing, 0.1).Microseconds()), "refused-p10-µs")
	b.ReportMetric(float64(q(missing, 0.5).Microseconds()), "missing-p50-µs")
	b.ReportMetric(float64(q(missing, 0.1).Microseconds()), "missing-p10-µs")
	b.ReportMetric(float64(q(existing, 0.5))/float64(q(missing, 0.5)), "p50-ratio")
	b.ReportMetric(inside(existing, q(missing, 0.1), q(missing, 0.9)), "refused-in-missing-range")
	b.ReportMetric(inside(missing, q(existing, 0.1), q(existing, 0.9)), "missing-in-refused-range")
}
