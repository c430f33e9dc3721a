package demo

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// freeAddress returns addr if it can be listened on, else the first of the
// next tries-1 ports that can. Port 0 is returned as is (the kernel picks).
//
// The probe listener is closed before the server opens its own, so another
// program could take the port in between; the server then fails to start
// with a clear error, which is acceptable for a demo on a workstation.
func freeAddress(addr string, tries int) (string, error) {
	host, portS, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil || port < 0 || port > 65535 {
		return "", fmt.Errorf("listen address %q: bad port", addr)
	}
	if port == 0 {
		return addr, nil
	}
	var errs []error
	for p := port; p < port+tries && p <= 65535; p++ {
		a := net.JoinHostPort(host, strconv.Itoa(p))
		ln, err := net.Listen("tcp", a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ln.Close()
		return a, nil
	}
	return "", fmt.Errorf("no free port from %s (%d tried): %w", addr, tries, errors.Join(errs...))
}
