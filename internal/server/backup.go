package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store/embedded"
)

// Besides the store's snapshot and record files, a backup holds the CA
// (without which no enrolled sensor could connect to a restored server) and
// the inventory snapshots, in these sub-directories of the backup.
const (
	backupPKI       = "pki"
	backupInventory = "inventory"
)

func (a *Admin) backup(ctx context.Context, req Request) (Response, error) {
	dir := req.Dir
	if dir == "" {
		dir = a.cfg.Store.BackupDir
	}
	if dir == "" {
		return Response{}, errors.New("no backup directory (--dir or store.backup_dir)")
	}
	if a.live != nil {
		if err := a.inv.save(); err != nil {
			return Response{}, err
		}
	}
	res, err := a.st.Backup(ctx, dir)
	if err != nil {
		return Response{}, fmt.Errorf("backup: %w", err)
	}
	for _, sub := range []struct{ from, to string }{
		{pkiDir(a.cfg.DataDir), filepath.Join(dir, backupPKI)},
		{inventoryDir(a.cfg.DataDir), filepath.Join(dir, backupInventory)},
	} {
		if err := copyFiles(sub.from, sub.to, true); err != nil {
			return Response{}, fmt.Errorf("backup: %w", err)
		}
	}
	a.log.Info("backup written", "dir", dir, "snapshot", res.Snapshot, "files_copied", res.FilesCopied)
	return Response{Backup: &BackupResult{Snapshot: res.Snapshot, FilesCopied: res.FilesCopied,
		FilesKept: res.FilesKept, BytesCopied: res.BytesCopied}}, nil
}

// Restore rebuilds cfg.DataDir from a backup (the newest snapshot, or the
// one named): the store, the CA and the inventory. The server must be
// stopped and the data directory must hold no database.
func Restore(cfg Config, backupDir, snapshot string) error {
	if c, err := dialAdmin(SocketPath(cfg.DataDir)); err == nil {
		c.Close()
		return errors.New("restore: the server is running on this data directory; stop it first")
	}
	if _, err := os.Stat(filepath.Join(pkiDir(cfg.DataDir), "ca.crt")); err == nil {
		// A CA already here (the restored machine's own) would not be
		// the one the sensors trust: refuse to mix them.
		return errors.New("restore: the data directory already has a CA; restore into an empty data directory")
	}
	if err := embedded.Restore(backupDir, snapshot, cfg.DataDir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, sub := range []struct{ from, to string }{
		{filepath.Join(backupDir, backupPKI), pkiDir(cfg.DataDir)},
		{filepath.Join(backupDir, backupInventory), inventoryDir(cfg.DataDir)},
	} {
		if err := copyFiles(sub.from, sub.to, false); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}

// copyFiles copies the regular files of a directory (not recursively); a
// missing source is nothing to copy.
func copyFiles(from, to string, overwrite bool) error {
	ents, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(to, 0o700); err != nil {
		return err
	}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		dst := filepath.Join(to, e.Name())
		if !overwrite {
			if _, err := os.Stat(dst); err == nil {
				continue
			}
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			return err
		}
		if err := pki.WriteFileAtomic(dst, data, info.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
