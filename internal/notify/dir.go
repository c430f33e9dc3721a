package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/otsight/otsight/internal/store"
)

// DirTransport writes each message to <dir>/<created>-<id>.eml, for the
// demo and for trials without a mail relay: the operator opens the file
// with any mail client. The name depends only on the message, so a retry
// after a crash between the rename and MarkMail rewrites the same file
// instead of making a second one.
type DirTransport struct{ dir string }

// NewDirTransport returns a DirTransport writing into dir, created if
// missing (owner-only: the files hold login codes).
func NewDirTransport(dir string) (*DirTransport, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("dir transport: %w", err)
	}
	return &DirTransport{dir: dir}, nil
}

// Name implements Transport.
func (t *DirTransport) Name() string { return TransportDir }

// FileName is the name Send gives to m.
func FileName(m store.Mail) string {
	return fmt.Sprintf("%s-%d.eml", m.Created.UTC().Format("20060102T150405Z"), m.ID)
}

// Send implements Transport: the message is written to a temporary file in
// the same directory, synced, then renamed, so a reader never sees half a
// message.
func (t *DirTransport) Send(ctx context.Context, m store.Mail) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(t.dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("dir transport: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(m.Message)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(t.dir, FileName(m)))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("dir transport: mail %d: %w", m.ID, err)
	}
	return nil
}
