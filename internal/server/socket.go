package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// The admin socket serves one route, POST /v1/admin, taking a Request and
// answering a Response. Only the server's own user can connect (mode 0600),
// which is the whole of its authentication: it is the operator's console.
const adminRoute = "/v1/admin"

// maxAdminRequest bounds a request body; requests are a few fields.
const maxAdminRequest = 1 << 16

// listenAdmin listens on the unix socket at path, replacing a stale socket
// a crash left behind but not one a live server answers on.
func listenAdmin(path string) (net.Listener, error) {
	if c, err := dialAdmin(path); err == nil {
		c.Close()
		return nil, fmt.Errorf("admin socket %s: another server is running on this data directory", path)
	}
	os.Remove(path)
	// The umask makes the socket 0600 from birth: a chmod afterwards
	// would leave a window in which anyone could connect.
	var ln net.Listener
	var err error
	withUmask(0o177, func() { ln, err = net.Listen("unix", path) })
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	return ln, nil
}

func dialAdmin(path string) (net.Conn, error) {
	return net.DialTimeout("unix", path, time.Second)
}

func (a *Admin) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+adminRoute, func(w http.ResponseWriter, r *http.Request) {
		var req Request
		dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminRequest))
		dec.DisallowUnknownFields()
		resp := Response{}
		if err := dec.Decode(&req); err != nil {
			resp.Error = "bad request: " + err.Error()
		} else {
			resp = a.Do(r.Context(), req)
			a.log.Info("admin command", "op", req.Op, "tenant", req.Tenant, "name", req.Name, "login", req.Login, "error", resp.Error)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	})
	return mux
}

// errNoServer means nothing answers on the admin socket.
var errNoServer = errors.New("no server is running")

// viaSocket sends req to the server listening on the socket at path.
func viaSocket(ctx context.Context, path string, req Request) (Response, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	body, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://admin"+adminRoute, bytes.NewReader(body))
	if err != nil {
		return Response{}, err
	}
	hr.Header.Set("Content-Type", "application/json")
	res, err := client.Do(hr)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return Response{}, errNoServer
		}
		return Response{}, fmt.Errorf("admin socket %s: %w", path, err)
	}
	defer res.Body.Close()
	var resp Response
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
		return Response{}, fmt.Errorf("admin socket %s: reply: %w", path, err)
	}
	return resp, nil
}

// Via says how an admin command was carried out.
type Via string

// Ways of running an admin command.
const (
	ViaSocket Via = "socket" // by the running server
	ViaDirect Via = "direct" // on the data directory of a stopped server
)

// Do runs an admin command: through the admin socket of the server running
// on cfg.DataDir, or else directly on its store. DuckDB admits one process
// at a time, so when the socket is gone but another process holds the
// database the error says so.
func Do(ctx context.Context, cfg Config, req Request, log *slog.Logger) (Response, Via, error) {
	resp, err := viaSocket(ctx, SocketPath(cfg.DataDir), req)
	if err == nil {
		return resp, ViaSocket, nil
	}
	if !errors.Is(err, errNoServer) {
		return Response{}, ViaSocket, err
	}
	a, closeFn, err := OpenAdmin(cfg, log)
	if err != nil {
		if isLocked(err) {
			return Response{}, ViaDirect, fmt.Errorf("no server answers on %s, but another process holds the database "+
				"(DuckDB admits one process at a time): stop it, or run this where its admin socket is: %w", SocketPath(cfg.DataDir), err)
		}
		return Response{}, ViaDirect, err
	}
	resp = a.Do(ctx, req)
	if err := closeFn(); err != nil && resp.Error == "" {
		resp.Error = err.Error()
	}
	return resp, ViaDirect, nil
}

// OpenAdmin opens a stopped server's data directory for admin commands; the
// returned function saves and closes everything.
func OpenAdmin(cfg Config, log *slog.Logger) (*Admin, func() error, error) {
	s, err := New(cfg, log)
	if err != nil {
		return nil, nil, err
	}
	s.admin.live = nil
	return s.admin, s.Stop, nil
}

// isLocked recognises DuckDB's refusal to open a database another process
// holds.
func isLocked(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock")
}
