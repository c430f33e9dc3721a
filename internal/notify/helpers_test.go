package notify

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

// t0 is the tests' start time.
var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// clock is a settable, concurrency-safe test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// openStore opens a real embedded store (DuckDB) in a temporary directory
// with one tenant.
func openStore(t *testing.T, c *clock) (*embedded.Store, store.Tenant) {
	t.Helper()
	cfg := embedded.DefaultConfig()
	cfg.Dir = t.TempDir()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = c.now
	s, err := embedded.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tn, err := s.CreateTenant(t.Context(), store.Tenant{Name: "plant-a"})
	if err != nil {
		t.Fatal(err)
	}
	return s, tn
}

// logBuffer collects slog output for assertions on the attempt log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.buf.String(), "msg=\""+msg+"\"")
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }

// received is one message taken by the test SMTP server.
type received struct {
	From string
	To   []string
	Data []byte
	User string // SMTP AUTH identity, "" without AUTH
}

// smtpServer is an in-process SMTP server (go-smtp) that keeps what it
// receives.
type smtpServer struct {
	srv  *smtp.Server
	addr string

	user, pass string // non-empty: AUTH PLAIN required

	mu   sync.Mutex
	msgs []received
}

// startSMTP serves on addr ("127.0.0.1:0" for any port) until the test
// ends; tune may set TLS or AUTH before it starts.
func startSMTP(t *testing.T, addr string, tune func(*smtpServer)) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	s.srv.Domain = "mx.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	if tune != nil {
		tune(s)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *smtpServer) port(t *testing.T) int {
	t.Helper()
	_, p, err := net.SplitHostPort(s.addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (s *smtpServer) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

type session struct {
	srv  *smtpServer
	cur  received
	auth string
}

func (x *session) AuthMechanisms() []string {
	if x.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.srv.user || pass != x.srv.pass {
			return errors.New("bad credentials")
		}
		x.auth = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.srv.user != "" && x.auth == "" {
		return smtp.ErrAuthRequired
	}
	x.cur = received{From: from, User: x.auth}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.cur.To = append(x.cur.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.cur.Data = b
	x.srv.mu.Lock()
	x.srv.msgs = append(x.srv.msgs, x.cur)
	x.srv.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.cur = received{} }
func (x *session) Logout() error { return nil }
