package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"

	"github.com/otsight/otsight/internal/pcaptest"
)

// FuzzOpenReader feeds arbitrary bytes to the file readers. They must never
// panic, must return frames that fit the limits, must end with io.EOF after
// any error, and must read the same whatever the reader's chunking.
func FuzzOpenReader(f *testing.F) {
	dir := pcaptest.Dir(f)
	for _, rel := range []string{
		"bacnet/bacnet_test.pcap",                           // Ethernet, frames cut short of their wire length
		"dnp3/opendnp3_conformance_8.2.5.2.1.pcap",          // BSD loopback
		"omron-fins/omron_fins_tcp_commands_responses.pcap", // raw IPv4
		"enip-cip/set_attribute_single_service_cip.pcapng",  // if_tsresol 9, interface statistics
		"profinet/profinet_io_cm_read.pcapng",               // two interfaces
		"hart-ip/hart_ip.pcap",                              // pcapng with a name resolution block
	} {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)*2/3]) // truncated
	}
	f.Add(syntheticPcapng())
	le, be := binary.LittleEndian, binary.BigEndian
	r := rec{sec: 1, frac: 2, wire: 60, data: []byte{1, 2, 3}}
	f.Add(buildPcap(be, magicNano, 1, r, r))
	f.Add(buildPcap(le, magicModified, 113, r))
	f.Add(buildPcap(be, magicModified, 0, r))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := readBytes(t, b)
		for i, fr := range got {
			if fr.info.CapLen > maxFrameLen || fr.info.WireLen < 0 || fr.info.Iface != 0 {
				t.Fatalf("frame %d: %+v", i, fr.info)
			}
		}
		if len(got) > len(b)/12 {
			t.Fatalf("%d frames from %d bytes", len(got), len(b))
		}
		var fe *FileError
		if err != nil && !errors.Is(err, ErrNotCapture) && !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) is neither ErrNotCapture nor a *FileError", err, err)
		}
		// Chunking must not change the outcome, down to the error text.
		src, err2 := OpenReader("test", iotest.HalfReader(bytes.NewReader(b)))
		var got2 []frame
		if err2 == nil {
			got2, err2 = readAll(t, src)
		}
		if len(got) != len(got2) || (len(got) > 0 && !reflect.DeepEqual(got, got2)) || errString(err) != errString(err2) {
			t.Fatalf("whole reads: %d frames, %v; half reads: %d frames, %v", len(got), err, len(got2), err2)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
