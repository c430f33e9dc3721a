package notify

import (
	"encoding/json"
	"fmt"
	"go/build"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/store"
)

// mailpitBinary finds mailpit on PATH or in $(go env GOPATH)/bin. CI
// installs it with: go install github.com/axllent/mailpit@v1.33.1
func mailpitBinary() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "mailpit")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type mailpitAddress struct {
	Name    string
	Address string
}

type mailpitSummary struct {
	ID        string
	MessageID string
	From      mailpitAddress
	To        []mailpitAddress
	Subject   string
}

type mailpitMessage struct {
	mailpitSummary
	Text string
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// End to end: our SMTP transport hands the code mail to a real mailpit,
// whose JSON API must show it decoded as a mail client would.
func TestMailpitEndToEnd(t *testing.T) {
	bin := mailpitBinary()
	if bin == "" {
		t.Skip("mailpit not found on PATH or in $(go env GOPATH)/bin; install with: go install github.com/axllent/mailpit@v1.33.1")
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	cmd := exec.Command(bin,
		"--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort),
		"--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--disable-version-check", "--quiet")
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	api := fmt.Sprintf("http://127.0.0.1:%d/api/v1", httpPort)
	var list struct {
		Total    int
		Messages []mailpitSummary
	}
	waitFor(t, "mailpit's API", func() bool { return getJSON(api+"/messages", &list) == nil })

	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	cfg := smtpConfig(smtpPort, &logBuffer{}, nil)
	mailer, _ := NewMailer(cfg, st, clk.now)
	tr, _ := NewTransport(cfg)
	d, _ := NewDeliverer(cfg, st, tr, clk.now)
	queued, err := mailer.Queue(t.Context(), store.ForTenant(tn.ID), "tanaka@plant-a.example.jp", jaSubject, jaBody)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v\nmailpit: %s", n, err, out.buf.String())
	}
	waitFor(t, "the message in mailpit", func() bool { return getJSON(api+"/messages", &list) == nil && list.Total > 0 })
	if list.Total != 1 || len(list.Messages) != 1 {
		t.Fatalf("mailpit holds %d messages, want 1", list.Total)
	}
	s := list.Messages[0]
	if s.Subject != jaSubject {
		t.Errorf("mailpit subject %q, want %q", s.Subject, jaSubject)
	}
	if s.From.Address != "noreply@example.jp" || s.From.Name != "otsight" {
		t.Errorf("mailpit from %+v", s.From)
	}
	if len(s.To) != 1 || s.To[0].Address != "tanaka@plant-a.example.jp" {
		t.Errorf("mailpit to %+v", s.To)
	}
	want := parseMessage(t, queued.Message).Header.Get("Message-Id")
	if "<"+s.MessageID+">" != want {
		t.Errorf("mailpit Message-ID %q, queued %q", s.MessageID, want)
	}
	var full mailpitMessage
	if err := getJSON(api+"/message/"+s.ID, &full); err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(full.Text, "\r\n", "\n"); got != jaBody {
		t.Errorf("mailpit text %q, want %q", got, jaBody)
	}
}
