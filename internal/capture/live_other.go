//go:build !linux

package capture

import "errors"

// OpenLive captures from network interfaces, which this package only
// supports on Linux (AF_PACKET).
func OpenLive(cfg LiveConfig) (Source, error) {
	return nil, errors.New("capture: live capture needs Linux (AF_PACKET); read a capture file instead")
}
