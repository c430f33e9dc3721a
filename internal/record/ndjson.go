package record

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// KindFiles writes records as newline-delimited JSON, one file per kind
// (<dir>/<kind>.ndjson), in the field layout of docs/records.md.
type KindFiles struct {
	dir   string
	files map[Kind]*kindFile
	err   error
}

type kindFile struct {
	f   *os.File
	w   *bufio.Writer
	enc *json.Encoder
}

// NewKindFiles creates dir and writes into it.
func NewKindFiles(dir string) (*KindFiles, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return &KindFiles{dir: dir, files: map[Kind]*kindFile{}}, nil
}

// Write appends r to its kind's file. The first error sticks and is
// returned by Close.
func (k *KindFiles) Write(r Record) {
	if k.err != nil {
		return
	}
	kind := r.RecordKind()
	kf := k.files[kind]
	if kf == nil {
		f, err := os.Create(filepath.Join(k.dir, string(kind)+".ndjson"))
		if err != nil {
			k.err = fmt.Errorf("create %s records: %w", kind, err)
			return
		}
		w := bufio.NewWriterSize(f, 256<<10)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		kf = &kindFile{f: f, w: w, enc: enc}
		k.files[kind] = kf
	}
	if err := kf.enc.Encode(r); err != nil {
		k.err = fmt.Errorf("write %s record: %w", kind, err)
	}
}

// Close flushes and closes every file.
func (k *KindFiles) Close() error {
	for kind, kf := range k.files {
		if err := kf.w.Flush(); err != nil && k.err == nil {
			k.err = fmt.Errorf("write %s records: %w", kind, err)
		}
		if err := kf.f.Close(); err != nil && k.err == nil {
			k.err = fmt.Errorf("close %s records: %w", kind, err)
		}
	}
	k.files = nil
	return k.err
}
