// Package metrics is what Lots tells Prometheus: request durations per route pattern, the
// database statements and transactions each request made (package dbcount), the connection
// pools, the audit log's write batches, and the Go runtime and process. Labels are route
// patterns ("GET /cases/{id}"), status classes, pool and transaction kinds: never an id, a
// path as requested, a user or anything else about a person.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lots/internal/store/dbcount"
)

// Source is the database the metrics watch: the store.
type Source interface {
	PoolStats() map[string]sql.DBStats
	Calls() dbcount.Snapshot
}

// Metrics holds Lots' collectors in a registry of its own (no global state).
type Metrics struct {
	reg          *prometheus.Registry
	duration     *prometheus.HistogramVec
	statements   *prometheus.HistogramVec
	transactions *prometheus.HistogramVec
	auditSize    prometheus.Histogram
	auditWait    prometheus.Histogram
}

// New makes the registry with the Go runtime and process collectors and Lots' own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "lots", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time from a request's arrival to its handler's return, by route pattern and status class.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "code"}),
		statements: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "lots", Subsystem: "http", Name: "db_statements_per_request",
			Help:    "Database statements (Exec and Query calls) one request made, by route pattern.",
			Buckets: []float64{0, 1, 2, 4, 8, 12, 16, 24, 32, 64, 128, 256, 1024, 4096},
		}, []string{"route"}),
		transactions: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "lots", Subsystem: "http", Name: "db_transactions_per_request",
			Help:    "Database transactions one request began, by route pattern and kind (read, write).",
			Buckets: []float64{0, 1, 2, 3, 4, 6, 8, 16, 32},
		}, []string{"route", "kind"}),
		auditSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "lots", Subsystem: "audit", Name: "batch_size",
			Help:    "Audit entries written in one transaction (group commit).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		auditWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "lots", Subsystem: "audit", Name: "batch_wait_seconds",
			Help:    "How long a batch's first audit entry waited for its commit.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.duration, m.statements, m.transactions, m.auditSize, m.auditWait,
	)
	return m
}

// Watch adds the database's pools and call totals.
func (m *Metrics) Watch(src Source) { m.reg.MustRegister(&dbCollector{src: src}) }

// Registry is the registry, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// AuditBatch records one batch of audit entries written: store.Config.AuditBatch.
func (m *Metrics) AuditBatch(size int, wait time.Duration) {
	m.auditSize.Observe(float64(size))
	m.auditWait.Observe(wait.Seconds())
}

// Instrument measures every request next serves: its duration and its database calls, under
// the route pattern that route gives for it ("unmatched" when it gives none). route asks the
// router without serving (http.ServeMux.Handler): middleware between here and the router may
// hand the router a copy of the request, whose Pattern field this one never sees.
func (m *Metrics) Instrument(next http.Handler, route func(*http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		var calls dbcount.Snapshot
		dbcount.Middleware(next, func(_ *http.Request, s dbcount.Snapshot) { calls = s }).ServeHTTP(sw, r)
		route := route(r)
		if route == "" {
			route = "unmatched"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		m.duration.WithLabelValues(route, strconv.Itoa(status/100)+"xx").Observe(time.Since(start).Seconds())
		m.statements.WithLabelValues(route).Observe(float64(calls.Statements))
		m.transactions.WithLabelValues(route, "read").Observe(float64(calls.ReadTx))
		m.transactions.WithLabelValues(route, "write").Observe(float64(calls.WriteTx))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// dbCollector reads the pools' figures and the call totals when scraped.
type dbCollector struct{ src Source }

var (
	poolOpen     = prometheus.NewDesc("lots_db_pool_open_connections", "Connections open, in use or idle.", []string{"pool"}, nil)
	poolInUse    = prometheus.NewDesc("lots_db_pool_in_use_connections", "Connections in use.", []string{"pool"}, nil)
	poolIdle     = prometheus.NewDesc("lots_db_pool_idle_connections", "Idle connections.", []string{"pool"}, nil)
	poolMax      = prometheus.NewDesc("lots_db_pool_max_open_connections", "The pool's limit of open connections.", []string{"pool"}, nil)
	poolWaits    = prometheus.NewDesc("lots_db_pool_wait_count_total", "Times a caller waited for a connection.", []string{"pool"}, nil)
	poolWaitSecs = prometheus.NewDesc("lots_db_pool_wait_seconds_total", "Time callers waited for a connection.", []string{"pool"}, nil)
	statements   = prometheus.NewDesc("lots_db_statements_total", "Database statements (Exec and Query calls) since start.", nil, nil)
	transactions = prometheus.NewDesc("lots_db_transactions_total", "Database transactions begun since start, by kind.", []string{"kind"}, nil)
	commits      = prometheus.NewDesc("lots_db_commits_total", "Transactions committed since start.", nil, nil)
	rollbacks    = prometheus.NewDesc("lots_db_rollbacks_total", "Transactions rolled back since start (every read transaction ends so).", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWaitSecs, statements, transactions, commits, rollbacks} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	for pool, s := range c.src.PoolStats() {
		ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections), pool)
		ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse), pool)
		ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle), pool)
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections), pool)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), pool)
		ch <- prometheus.MustNewConstMetric(poolWaitSecs, prometheus.CounterValue, s.WaitDuration.Seconds(), pool)
	}
	t := c.src.Calls()
	ch <- prometheus.MustNewConstMetric(statements, prometheus.CounterValue, float64(t.Statements))
	ch <- prometheus.MustNewConstMetric(transactions, prometheus.CounterValue, float64(t.ReadTx), "read")
	ch <- prometheus.MustNewConstMetric(transactions, prometheus.CounterValue, float64(t.WriteTx), "write")
	ch <- prometheus.MustNewConstMetric(commits, prometheus.CounterValue, float64(t.Commits))
	ch <- prometheus.MustNewConstMetric(rollbacks, prometheus.CounterValue, float64(t.Rollbacks))
}
