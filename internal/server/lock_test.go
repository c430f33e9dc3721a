package server

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/store/embedded"
)

// TestAdminLockedDatabase: with no admin socket but the database held by
// another process, the admin command says so. The other process is this
// test binary, re-run to hold the store open.
func TestAdminLockedDatabase(t *testing.T) {
	if dir := os.Getenv("H10_HOLD_STORE"); dir != "" {
		st, err := embedded.Open(embedded.Config{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		os.Stdout.WriteString("holding\n")
		buf := make([]byte, 1)
		os.Stdin.Read(buf) // until the parent closes stdin
		return
	}
	data := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdminLockedDatabase$")
	cmd.Env = append(os.Environ(), "H10_HOLD_STORE="+data)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	buf := make([]byte, 8)
	if _, err := stdout.Read(buf); err != nil || string(buf[:7]) != "holding" {
		t.Fatalf("helper: %q %v", buf, err)
	}
	_, via, err := Do(context.Background(), testConfig(data), Request{Op: OpTenantList}, nil)
	t.Log(err)
	if err == nil || via != ViaDirect || !strings.Contains(err.Error(), "another process holds the database") {
		t.Fatalf("via %s: %v", via, err)
	}
}
