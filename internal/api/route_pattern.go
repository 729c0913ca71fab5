package api

import "net/http"

// Pattern is the route pattern r would be served by ("GET /api/v1/cases/{id}"), without
// serving it, for the metrics.
func (api *API) Pattern(r *http.Request) string {
	_, p := api.mux.Handler(r)
	return p
}
