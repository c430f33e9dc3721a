package capture

import (
	"github.com/otsight/otsight/internal/decode"
)

// Info describes one captured frame.
type Info struct {
	TS      int64 // nanoseconds since the Unix epoch
	CapLen  int
	WireLen int
	Link    decode.LinkType
	Iface   int // index into the source's interface labels
}

// Source yields frames. The returned data is valid only until the next call
// to Next, so sources can hand out their own buffers without copying.
type Source interface {
	// Next returns the next frame, io.EOF at a clean end, or an error that
	// describes damage (truncated file, corrupt block). After a damage error
	// Next returns io.EOF.
	Next() (data []byte, info Info, err error)
	// Stats reports per-interface counters (kernel drops for live sources).
	Stats() []IfaceStats
	// Close releases the source.
	Close() error
}

// IfaceStats counts what one capture interface delivered and what the kernel
// dropped before the sensor could read it.
type IfaceStats struct {
	Label       string
	Packets     uint64
	KernelDrops uint64
	Freezes     uint64
}
