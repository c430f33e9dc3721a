package portal

import (
	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// The real implementations the server passes satisfy the portal's
// interfaces: a change of signature on either side fails the build here.
var (
	_ Auth         = (*auth.Service)(nil)
	_ SessionStore = store.State(nil)
	_ Tenants      = store.Store(nil)
	_ Traffic      = store.Traffic(nil)
	_ AuditLog     = store.State(nil)
)
