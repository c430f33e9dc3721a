package capture

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// LiveInterface names one network interface to capture on and the label its
// frames carry downstream (for example the production line it mirrors).
type LiveInterface struct {
	Name  string // kernel interface name, e.g. "eth1"
	Label string // defaults to Name
}

// ParseInterface parses a command-line interface argument: "eth1" or
// "eth1=lineA".
func ParseInterface(s string) (LiveInterface, error) {
	name, label, hasLabel := strings.Cut(s, "=")
	switch {
	case name == "":
		return LiveInterface{}, fmt.Errorf("capture: interface %q: empty interface name", s)
	case hasLabel && label == "":
		return LiveInterface{}, fmt.Errorf("capture: interface %q: empty label after '='", s)
	case !hasLabel:
		label = name
	}
	return LiveInterface{Name: name, Label: label}, nil
}

// LiveConfig configures OpenLive. Each interface gets its own kernel ring of
// NumBlocks blocks of BlockSize bytes; the kernel hands a block over when it
// is full or BlockTimeout after its first frame, whichever comes first.
type LiveConfig struct {
	Interfaces []LiveInterface

	// BlockSize is the size of one ring block, a multiple of the page size.
	// The kernel cuts a frame that does not fit in a block.
	BlockSize int
	// NumBlocks is the number of blocks in each interface's ring. The ring
	// (BlockSize × NumBlocks) absorbs bursts and pauses of the consumer;
	// when it is full the kernel drops frames and counts them.
	NumBlocks int
	// BlockTimeout bounds how long a frame waits in a partly filled block
	// (millisecond granularity). Longer means fewer, fuller blocks on a
	// quiet network; the sensor batches per minute, so latency is cheap.
	BlockTimeout time.Duration

	// Timeout, when positive, makes Next return ErrTimeout after waiting
	// that long without a frame, so that a single-threaded consumer can
	// advance its clocks on a quiet network. Zero waits indefinitely.
	Timeout time.Duration

	// Logger receives warnings about the interfaces; nil means
	// slog.Default().
	Logger *slog.Logger
}

// DefaultLiveConfig returns the settings for a sensor on a mirror port of up
// to a few hundred Mbit/s: a 64 MiB ring per interface, about five seconds
// of traffic at 100 Mbit/s.
func DefaultLiveConfig() LiveConfig {
	return LiveConfig{
		BlockSize:    1 << 20,
		NumBlocks:    64,
		BlockTimeout: 100 * time.Millisecond,
	}
}

// ErrTimeout is returned by a live source's Next when LiveConfig.Timeout
// passed without a frame. It reports no damage: call Next again.
var ErrTimeout = errors.New("capture: no frame within the timeout")

// validate checks the parts of the configuration that do not depend on the
// platform.
func (c *LiveConfig) validate(pageSize int) error {
	if len(c.Interfaces) == 0 {
		return errors.New("capture: no interface to capture on")
	}
	names, labels := map[string]bool{}, map[string]bool{}
	for _, ifc := range c.Interfaces {
		label := labelOf(ifc)
		switch {
		case ifc.Name == "":
			return errors.New("capture: interface with an empty name")
		case names[ifc.Name]:
			return fmt.Errorf("capture: interface %s listed twice", ifc.Name)
		case labels[label]:
			return fmt.Errorf("capture: label %s used twice", label)
		}
		names[ifc.Name], labels[label] = true, true
	}
	switch {
	case c.BlockSize < pageSize || c.BlockSize%pageSize != 0 || c.BlockSize > 1<<30:
		return fmt.Errorf("capture: block size %d is not a multiple of the %d-byte page size up to 1 GiB", c.BlockSize, pageSize)
	case c.NumBlocks < 2 || c.NumBlocks > 1<<16:
		// Two at least: one for the kernel to fill while the sensor
		// reads the other.
		return fmt.Errorf("capture: number of blocks %d is not between 2 and 65536", c.NumBlocks)
	case c.BlockTimeout < time.Millisecond || c.BlockTimeout > time.Minute:
		return fmt.Errorf("capture: block timeout %v is not between 1ms and 1m", c.BlockTimeout)
	case c.Timeout < 0:
		return fmt.Errorf("capture: negative timeout %v", c.Timeout)
	}
	return nil
}

func labelOf(ifc LiveInterface) string {
	if ifc.Label == "" {
		return ifc.Name
	}
	return ifc.Label
}
