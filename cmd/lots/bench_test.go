package main

import (
	"strings"
	"testing"
)

// TestBenchPerRequestFromMetrics: statements and transactions per request are the growth of
// a route's sums over the growth of its count between two scrapes, and unknown without
// requests.
func TestBenchPerRequestFromMetrics(t *testing.T) {
	route := "GET /cases/{id}"
	before := map[string]float64{
		`lots_http_db_statements_per_request_count{route="GET /cases/{id}"}`:              10,
		`lots_http_db_statements_per_request_sum{route="GET /cases/{id}"}`:                200,
		`lots_http_db_transactions_per_request_sum{kind="read",route="GET /cases/{id}"}`:  10,
		`lots_http_db_transactions_per_request_sum{kind="write",route="GET /cases/{id}"}`: 10,
	}
	after := map[string]float64{
		`lots_http_db_statements_per_request_count{route="GET /cases/{id}"}`:              30,
		`lots_http_db_statements_per_request_sum{route="GET /cases/{id}"}`:                360,
		`lots_http_db_transactions_per_request_sum{kind="read",route="GET /cases/{id}"}`:  30,
		`lots_http_db_transactions_per_request_sum{kind="write",route="GET /cases/{id}"}`: 20,
	}
	if s, tx, w := perRequest(before, after, route); s != 8 || tx != 1.5 || w != 0.5 {
		t.Errorf("got %v statements, %v transactions, %v writes per request; want 8, 1.5, 0.5", s, tx, w)
	}
	if s, _, _ := perRequest(before, before, route); s != -1 {
		t.Errorf("no requests between the scrapes gave %v, want -1 (unknown)", s)
	}
}

func TestBenchRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "--clients", "8,0"},
		{"bench", "--clients", "eight"},
		{"bench", "--youths", "300000"},
		{"bench", "--duration", "10ms"},
		{"bench", "--cache", "/tmp/x", "--data", "/tmp/y"},
	} {
		if _, _, err := runLots(t, args...); err == nil || !strings.Contains(err.Error(), "--") {
			t.Errorf("%v: %v, want a refusal naming the flag", args, err)
		}
	}
}
