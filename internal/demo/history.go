package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// historyFile records the back-filled span in the data directory.
const historyFile = "demo-history.json"

// history is the back-filled span and where its batches are in the
// sensor's sequence. It is written before generating (Done false) and
// again after, so that a run stopped half-way regenerates the same span
// with the same sequence numbers: the generator is deterministic, the spool
// overwrites a batch of the same number and the server stores a batch
// number once.
type history struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Seed     uint64    `json:"seed"`
	FirstSeq uint64    `json:"first_seq"`
	Batches  uint64    `json:"batches"`
	Records  uint64    `json:"records"`
	Done     bool      `json:"done"`
}

// last is the sequence number after the history's batches.
func (h *history) last() uint64 { return h.FirstSeq + h.Batches }

func historyPath(dataDir string) string { return filepath.Join(dataDir, historyFile) }

// loadHistory returns the recorded history, or nil before the first.
func loadHistory(dataDir string) (*history, error) {
	data, err := os.ReadFile(historyPath(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history state: %w", err)
	}
	var h history
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", historyPath(dataDir), err)
	}
	return &h, nil
}

func (h *history) save(dataDir string) error {
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	if err := pki.WriteFileAtomic(historyPath(dataDir), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("history state: %w", err)
	}
	return nil
}

// generate writes the history's batches into the spool as the sensor with
// id sensorID, calling spooled after each. It stops early when ctx ends.
func (h *history) generate(ctx context.Context, plant *gen.Plant, spool *sensor.Spool, sensorID string, spooled func()) error {
	o := gen.Options{Plant: plant, Start: h.Start, Duration: h.End.Sub(h.Start), Seed: h.Seed}
	// Spooling (encoding, writing and syncing a file) costs about as much
	// as computing a batch: a second goroutine spools meanwhile.
	batches := make(chan *record.Batch, 8)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				b.Header.SensorID = sensorID // the server checks it against the certificate
				err = spool.Put(b)
				spooled()
			}
		}
		done <- err
	}()
	st, err := gen.WriteRecords(o, h.FirstSeq, func(b *record.Batch) error {
		select {
		case batches <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(batches)
	if perr := <-done; err == nil {
		err = perr
	}
	if err != nil {
		return fmt.Errorf("generate history: %w", err)
	}
	h.Batches, h.Records, h.Done = st.Batches, st.Records, true
	return nil
}
