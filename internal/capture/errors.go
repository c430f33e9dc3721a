package capture

import (
	"errors"
	"fmt"
)

// ErrNotCapture is wrapped by the error OpenFile and OpenReader return when
// the input starts with neither a pcap nor a pcapng magic number.
var ErrNotCapture = errors.New("not a pcap or pcapng file")

// FileError reports damage in a capture file: where it is and what is wrong.
// Truncation wraps io.ErrUnexpectedEOF, so errors.Is tells a capture cut
// short (the usual fate of a capture whose writer was killed) from a corrupt
// one.
type FileError struct {
	Name   string // file name as given to OpenFile or OpenReader
	Offset int64  // byte offset of the damaged record or block
	Reason string // what is wrong, e.g. "truncated frame record"
	Err    error  // underlying cause, possibly nil
}

func (e *FileError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("capture: %s: offset %d: %s", e.Name, e.Offset, e.Reason)
	}
	return fmt.Sprintf("capture: %s: offset %d: %s: %v", e.Name, e.Offset, e.Reason, e.Err)
}

// Unwrap returns the underlying cause.
func (e *FileError) Unwrap() error { return e.Err }
