package notify

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/store"
)

const (
	jaSubject = "【otsight】ログイン確認コード / Login verification code"
	jaBody    = "確認コード: 482913\n\nこのコードの有効期限は10分間です。\n\n----\n\nCode: 482913\n"
)

func smtpConfig(port int, logs *logBuffer, reg prometheus.Registerer) Config {
	cfg := DefaultConfig()
	cfg.From = "otsight <noreply@example.jp>"
	cfg.SMTP = SMTPConfig{Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 5 * time.Second}
	cfg.Logger = logs.logger()
	cfg.Registerer = reg
	return cfg
}

// parsed is a received message decoded the way a mail client would.
type parsed struct {
	Header      mail.Header
	Subject     string
	ContentType string
	Charset     string
	Body        string
}

func parseMessage(t *testing.T, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, raw)
	}
	var p parsed
	p.Header = m.Header
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatalf("subject %q: %v", m.Header.Get("Subject"), err)
	}
	ct, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type %q: %v", m.Header.Get("Content-Type"), err)
	}
	p.ContentType, p.Charset = ct, params["charset"]
	var body io.Reader = m.Body
	switch cte := strings.ToLower(m.Header.Get("Content-Transfer-Encoding")); cte {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, m.Body)
	case "quoted-printable":
		body = quotedprintable.NewReader(m.Body)
	case "7bit", "8bit", "":
	default:
		t.Fatalf("unexpected transfer encoding %q", cte)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	p.Body = string(b)
	return p
}

// counter returns the value of otsight_mail_attempts_total for a result.
func counter(t *testing.T, reg *prometheus.Registry, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "otsight_mail_attempts_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "result" && l.GetValue() == result {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestSMTPDeliversJapaneseMail(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	srv := startSMTP(t, "127.0.0.1:0", nil)
	logs := &logBuffer{}
	reg := prometheus.NewRegistry()
	cfg := smtpConfig(srv.port(t), logs, reg)

	mailer, err := NewMailer(cfg, st, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDeliverer(cfg, st, tr, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := mailer.Queue(t.Context(), store.ForTenant(tn.ID), "tanaka@plant-a.example.jp", jaSubject, jaBody)
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.RunOnce(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v; want 1 delivered", n, err)
	}

	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	if r.From != "noreply@example.jp" || len(r.To) != 1 || r.To[0] != "tanaka@plant-a.example.jp" {
		t.Errorf("envelope from %q to %q", r.From, r.To)
	}
	if !bytes.Equal(r.Data, queued.Message) {
		t.Errorf("relay received other bytes than were queued:\n%s\n----\n%s", r.Data, queued.Message)
	}
	p := parseMessage(t, r.Data)
	if p.Subject != jaSubject {
		t.Errorf("subject decodes to %q, want %q", p.Subject, jaSubject)
	}
	if raw := p.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") {
		t.Errorf("subject %q is not a MIME encoded word", raw)
	}
	if p.ContentType != "text/plain" || !strings.EqualFold(p.Charset, "UTF-8") {
		t.Errorf("content type %q charset %q", p.ContentType, p.Charset)
	}
	if got := strings.ReplaceAll(p.Body, "\r\n", "\n"); got != jaBody {
		t.Errorf("body = %q, want %q", got, jaBody)
	}
	if !regexp.MustCompile(`\b\d{6}\b`).MatchString(p.Body) {
		t.Errorf("no 6-digit code in body")
	}
	if from, err := mail.ParseAddress(p.Header.Get("From")); err != nil || from.Address != "noreply@example.jp" || from.Name != "otsight" {
		t.Errorf("From %q: %v", p.Header.Get("From"), err)
	}
	if to := p.Header.Get("To"); to != "<tanaka@plant-a.example.jp>" {
		t.Errorf("To = %q", to)
	}
	if date, err := p.Header.Date(); err != nil || !date.Equal(t0) {
		t.Errorf("Date = %v, %v; want %v", date, err, t0)
	}
	if id := p.Header.Get("Message-Id"); !regexp.MustCompile(`^<[a-z2-7]{26}@example\.jp>$`).MatchString(id) {
		t.Errorf("Message-ID = %q", id)
	}
	if v := p.Header.Get("Mime-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q", v)
	}

	box, err := st.Outbox(t.Context(), store.ForTenant(tn.ID), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(box) != 1 || box[0].Attempts != 1 || !box[0].Delivered.Equal(t0) || box[0].LastError != "" {
		t.Fatalf("outbox after delivery: %+v", box)
	}
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil || len(srv.messages()) != 1 {
		t.Errorf("second RunOnce delivered %d (%v), server has %d; want nothing resent", n, err, len(srv.messages()))
	}
	if logs.count("mail delivered") != 1 || logs.count("mail attempt failed") != 0 {
		t.Errorf("attempt log:\n%s", logs.buf.String())
	}
	if counter(t, reg, "delivered") != 1 || counter(t, reg, "failed") != 0 {
		t.Errorf("metrics delivered=%v failed=%v", counter(t, reg, "delivered"), counter(t, reg, "failed"))
	}
}

func TestSMTPDownRetriedThenDeliveredOnce(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	// Reserve a port with nothing listening on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	logs := &logBuffer{}
	reg := prometheus.NewRegistry()
	cfg := smtpConfig(port, logs, reg)
	mailer, err := NewMailer(cfg, st, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDeliverer(cfg, st, tr, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	sc := store.ForTenant(tn.ID)
	if _, err := mailer.Queue(t.Context(), sc, "sato@plant-a.example.jp", jaSubject, jaBody); err != nil {
		t.Fatal(err)
	}

	// First attempt: connection refused, retried after 30 s.
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("RunOnce with the server down = %d, %v", n, err)
	}
	box, _ := st.Outbox(t.Context(), sc, 10)
	if len(box) != 1 || box[0].Attempts != 1 || !box[0].Delivered.IsZero() ||
		!box[0].NextAttempt.Equal(t0.Add(30*time.Second)) || !strings.Contains(box[0].LastError, "connect") {
		t.Fatalf("after a failed attempt: %+v", box)
	}
	// Not due yet: no attempt.
	clk.add(29 * time.Second)
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("RunOnce before the retry time = %d, %v", n, err)
	}
	// Second failure: the wait doubles to a minute.
	clk.add(time.Second)
	d.RunOnce(t.Context())
	box, _ = st.Outbox(t.Context(), sc, 10)
	if box[0].Attempts != 2 || !box[0].NextAttempt.Equal(t0.Add(90*time.Second)) {
		t.Fatalf("after the second failure: attempts %d next %v", box[0].Attempts, box[0].NextAttempt)
	}

	srv := startSMTP(t, addr, nil)
	clk.add(time.Minute)
	if n, err := d.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce with the server up = %d, %v", n, err)
	}
	clk.add(time.Hour)
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("RunOnce after delivery = %d, %v", n, err)
	}
	if got := len(srv.messages()); got != 1 {
		t.Fatalf("server received %d messages, want exactly 1", got)
	}
	box, _ = st.Outbox(t.Context(), sc, 10)
	if box[0].Attempts != 3 || !box[0].Delivered.Equal(t0.Add(90*time.Second)) || box[0].LastError != "" {
		t.Fatalf("after delivery: attempts %d delivered %v error %q; want 3, %v, none",
			box[0].Attempts, box[0].Delivered, box[0].LastError, t0.Add(90*time.Second))
	}
	if f, ok := logs.count("mail attempt failed"), logs.count("mail delivered"); f != 2 || ok != 1 {
		t.Errorf("attempt log has %d failures and %d deliveries, want 2 and 1:\n%s", f, ok, logs.buf.String())
	}
	if counter(t, reg, "failed") != 2 || counter(t, reg, "delivered") != 1 {
		t.Errorf("metrics failed=%v delivered=%v, want 2 and 1", counter(t, reg, "failed"), counter(t, reg, "delivered"))
	}
}
