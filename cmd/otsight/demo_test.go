//go:build cgo

package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/pcaptest"
)

// demoOutput is the demo's standard output, read while it is written.
type demoOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (o *demoOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.Write(p)
}

func (o *demoOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.b.String()
}

// TestDemoCommand runs `otsight demo --read mb2.pcap` until it prints the
// login, then stops it as Ctrl-C does: exit status 0 and the three lines.
func TestDemoCommand(t *testing.T) {
	var stdout, stderr demoOutput
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	args := []string{"--data", t.TempDir(), "--listen", "127.0.0.1:0", "--read", pcaptest.Path(t, "modbus/mb2.pcap")}
	go func() { done <- demoUntil(ctx, args, &stdout, &stderr) }()
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(stdout.String(), "\npassword: ") {
		select {
		case code := <-done:
			t.Fatalf("demo exited with %d before printing the login:\n%s\n%s", code, &stdout, &stderr)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no login after 3 minutes:\n%s\n%s", &stdout, &stderr)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit status %d:\n%s\n%s", code, &stdout, &stderr)
	}
	out := stdout.String()
	for _, re := range []string{`(?m)^portal: http://127\.0\.0\.1:\d+/$`, `(?m)^login: u[a-z0-9]{9}$`, `(?m)^password: \S{12,}$`,
		`(?m)^one-time login codes are written as \.eml files under .*/outbox/ \(a demo has no mail server\)$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no line matching %s in:\n%s", re, out)
		}
	}
}

// TestDemoFlags refuses contradictory or malformed flags with status 2.
func TestDemoFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--read", "a.pcap", "--interface", "eth1"},
		{"--history", "yesterday"},
		{"--history", "-1h"},
		{"extra"},
	} {
		var stdout, stderr bytes.Buffer
		if code := demoUntil(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("otsight demo %v: status %d, want 2", args, code)
		}
		if stdout.Len() != 0 {
			t.Errorf("otsight demo %v wrote to stdout: %s", args, stdout.String())
		}
	}
}
