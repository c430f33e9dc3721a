package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// Batch is what a sensor uploads once a minute: a header and the records of
// the window, in any order of kinds.
type Batch struct {
	Header  Header
	Records []Record
}

// Header identifies a batch. Seq increases by one per batch of a sensor, so
// the server can apply each batch exactly once and notice gaps.
type Header struct {
	Schema   int    `json:"schema"`
	SensorID string `json:"sensor_id,omitempty"`
	Seq      uint64 `json:"seq"`
	Epoch    uint64 `json:"epoch,omitempty"`
	Start    Micros `json:"start"` // window [Start, End)
	End      Micros `json:"end"`
	Records  int    `json:"records"`
}

// Raw is a record of a kind this build does not know, kept verbatim so that a
// newer sensor's batch is neither rejected nor silently trimmed.
type Raw struct {
	Kind Kind
	JSON json.RawMessage
}

// RecordKind implements Record.
func (r *Raw) RecordKind() Kind { return r.Kind }

// MarshalJSON writes the record as it arrived.
func (r *Raw) MarshalJSON() ([]byte, error) { return r.JSON, nil }

var (
	kindsMu sync.RWMutex
	kinds   = map[Kind]func() Record{}
)

// RegisterKind makes a record kind decodable. Each kind is registered once,
// normally from an init function of the package that defines it.
func RegisterKind(k Kind, newRecord func() Record) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if _, dup := kinds[k]; dup {
		panic("record: kind registered twice: " + string(k))
	}
	kinds[k] = newRecord
}

// Kinds lists the registered kinds, sorted.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func newOf(k Kind) func() Record {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return kinds[k]
}

func init() {
	RegisterKind(KindConn, func() Record { return new(Conn) })
	RegisterKind(KindConnInterval, func() Record { return new(ConnInterval) })
	RegisterKind(KindFlow, func() Record { return new(Flow) })
	RegisterKind(KindEth, func() Record { return new(Eth) })
	RegisterKind(KindARP, func() Record { return new(ARP) })
	RegisterKind(KindNDP, func() Record { return new(NDP) })
	RegisterKind(KindOT, func() Record { return new(OT) })
	RegisterKind(KindAssetID, func() Record { return new(AssetID) })
	RegisterKind(KindSensorStats, func() Record { return new(SensorStats) })
}

// Wire format of a batch:
//
//	magic "OTSB" | format version byte | zstd frame of JSON lines
//
// The first line is the Header. Then, for each kind present, a section line
// {"kind":K,"n":N} followed by N lines, one record each. Grouping by kind keeps
// similar lines together, which is what zstd compresses best; JSON keeps every
// kind self-describing so the server can accept an older or newer schema.
var magic = [4]byte{'O', 'T', 'S', 'B'}

const formatVersion = 1

// Limits that protect the decoder against hostile or corrupt input.
const (
	MaxDecodedBatch = 512 << 20 // bytes after decompression
	MaxLine         = 1 << 20   // one record
)

// ErrNotBatch is returned when the input does not start with the batch magic.
var ErrNotBatch = errors.New("not an otsight batch")

var encoderPool = sync.Pool{New: func() any {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err) // only on invalid options
	}
	return e
}}

// decoderPool reuses zstd decoders: each owns window buffers of several MiB,
// too much to allocate per batch on a server ingesting many sensors.
var decoderPool = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxDecodedBatch),
		zstd.WithDecoderMaxWindow(64<<20))
	if err != nil {
		panic(err) // only on invalid options
	}
	return d
}}

type section struct {
	Kind Kind `json:"kind"`
	N    int  `json:"n"`
}

// Encode writes b to w in the batch wire format.
func Encode(w io.Writer, b *Batch) error {
	byKind := map[Kind][]Record{}
	var order []Kind
	for _, r := range b.Records {
		k := r.RecordKind()
		if _, ok := byKind[k]; !ok {
			order = append(order, k)
		}
		byKind[k] = append(byKind[k], r)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })

	if _, err := w.Write(append(magic[:], formatVersion)); err != nil {
		return fmt.Errorf("write batch magic: %w", err)
	}
	zw := encoderPool.Get().(*zstd.Encoder)
	defer encoderPool.Put(zw)
	zw.Reset(w)
	bw := bufio.NewWriterSize(zw, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	h := b.Header
	h.Records = len(b.Records)
	if h.Schema == 0 {
		h.Schema = SchemaVersion
	}
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("encode batch header: %w", err)
	}
	for _, k := range order {
		rs := byKind[k]
		if err := enc.Encode(section{Kind: k, N: len(rs)}); err != nil {
			return fmt.Errorf("encode section %s: %w", k, err)
		}
		for i, r := range rs {
			if err := enc.Encode(r); err != nil {
				return fmt.Errorf("encode %s record %d: %w", k, i, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("flush batch: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("close batch compressor: %w", err)
	}
	return nil
}

// Marshal returns the wire form of b.
func Marshal(b *Batch) ([]byte, error) {
	var buf bytes.Buffer
	if err := Encode(&buf, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decode reads one batch in the wire format. It accepts the current schema
// and the previous one; records of unknown kinds come back as *Raw. Any
// malformation is an error naming where it was found; Decode never panics on
// bad input.
func Decode(r io.Reader) (*Batch, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("read batch magic: %w", err)
	}
	if [4]byte(head[:4]) != magic {
		return nil, ErrNotBatch
	}
	if head[4] != formatVersion {
		return nil, fmt.Errorf("batch format version %d not supported (want %d)", head[4], formatVersion)
	}
	zr := decoderPool.Get().(*zstd.Decoder)
	defer decoderPool.Put(zr)
	if err := zr.Reset(r); err != nil {
		return nil, fmt.Errorf("open batch decompressor: %w", err)
	}
	sc := bufio.NewScanner(io.LimitReader(zr, MaxDecodedBatch))
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	line := 0
	next := func(what string) ([]byte, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return nil, fmt.Errorf("line %d (%s): %w", line+1, what, err)
			}
			return nil, fmt.Errorf("line %d: batch ends early, want %s", line+1, what)
		}
		line++
		return sc.Bytes(), nil
	}

	b := new(Batch)
	l, err := next("header")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(l, &b.Header); err != nil {
		return nil, fmt.Errorf("batch header: %w", err)
	}
	if b.Header.Schema != SchemaVersion && b.Header.Schema != SchemaVersion-1 {
		return nil, fmt.Errorf("batch schema %d not supported (accept %d and %d)", b.Header.Schema, SchemaVersion-1, SchemaVersion)
	}
	if b.Header.Records < 0 || b.Header.Records > MaxDecodedBatch/16 {
		return nil, fmt.Errorf("batch header claims %d records", b.Header.Records)
	}
	b.Records = make([]Record, 0, min(b.Header.Records, 1<<16))
	for len(b.Records) < b.Header.Records {
		l, err := next("section")
		if err != nil {
			return nil, err
		}
		var s section
		if err := json.Unmarshal(l, &s); err != nil {
			return nil, fmt.Errorf("line %d: section: %w", line, err)
		}
		if s.Kind == "" || s.N <= 0 || s.N > b.Header.Records-len(b.Records) {
			return nil, fmt.Errorf("line %d: bad section kind=%q n=%d", line, s.Kind, s.N)
		}
		mk := newOf(s.Kind)
		for i := 0; i < s.N; i++ {
			l, err := next(string(s.Kind) + " record")
			if err != nil {
				return nil, err
			}
			var rec Record
			if mk == nil {
				rec = &Raw{Kind: s.Kind, JSON: append(json.RawMessage(nil), l...)}
			} else {
				rec = mk()
				if err := json.Unmarshal(l, rec); err != nil {
					return nil, fmt.Errorf("line %d: %s record: %w", line, s.Kind, err)
				}
			}
			b.Records = append(b.Records, rec)
		}
	}
	if sc.Scan() {
		return nil, fmt.Errorf("line %d: data after the last record", line+1)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("after line %d: %w", line, err)
	}
	return b, nil
}

// Unmarshal decodes a batch from its wire form.
func Unmarshal(data []byte) (*Batch, error) { return Decode(bytes.NewReader(data)) }
