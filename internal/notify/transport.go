package notify

import (
	"context"
	"fmt"

	"github.com/otsight/otsight/internal/store"
)

// Transport delivers one stored message. An error means "not delivered,
// try again later"; a Transport must not report success before the message
// is safely handed over (accepted by the relay, or renamed into place).
type Transport interface {
	Send(ctx context.Context, m store.Mail) error
	// Name labels log lines and metrics ("smtp", "dir").
	Name() string
}

// NewTransport returns the transport cfg.Transport names.
func NewTransport(cfg Config) (Transport, error) {
	cfg.fill()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch cfg.Transport {
	case TransportSMTP:
		return newSMTPTransport(cfg)
	case TransportDir:
		return NewDirTransport(cfg.Dir)
	}
	return nil, fmt.Errorf("notify: unknown transport %q", cfg.Transport)
}
