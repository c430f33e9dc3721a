package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// landingPage is served at / until the portal exists.
const landingPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>otsight server</title></head>
<body><h1>otsight server</h1>
<p>The server is running. The portal is not part of this version yet.</p>
<p><a href="/healthz">/healthz</a> (sensor health checks, JSON) &middot; <a href="/metrics">/metrics</a> (Prometheus)</p>
</body></html>
`

// portalHandler serves the landing page, /healthz and /metrics.
func (s *Server) portalHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(landingPage))
	})
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{ErrorLog: nil}))
	return mux
}

// handleHealthz evaluates the checks now (a probe wants the present, not
// the last round) and answers 200 when every sensor passes, 503 otherwise.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	rep, err := s.health.check(ctx)
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		json.NewEncoder(w).Encode(map[string]string{"status": "error", "error": err.Error()})
		return
	}
	if rep.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(rep)
}
