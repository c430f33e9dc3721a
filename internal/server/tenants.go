package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// tenantReader reads a tenant and its settings.
type tenantReader interface {
	Tenant(ctx context.Context, sc store.Scope) (store.Tenant, error)
	Setting(ctx context.Context, sc store.Scope, key string) (json.RawMessage, error)
}

// Setting keys the portal writes (SPEC S1-1) and the server honours.
const (
	settingTimeZone     = "time_zone"     // JSON string, an IANA zone
	settingFoldInternet = "fold_internet" // JSON bool
)

// tenantWithSettings returns the tenant with the settings its admins
// changed in the portal (S1-1: time zone, Internet folding) laid over the
// values it was created with: store.Tenant has no update, settings are
// per-tenant keys. A setting that does not parse is ignored.
func tenantWithSettings(ctx context.Context, st tenantReader, sc store.Scope) (store.Tenant, error) {
	t, err := st.Tenant(ctx, sc)
	if err != nil {
		return t, err
	}
	if raw, err := st.Setting(ctx, sc, settingTimeZone); err == nil {
		var tz string
		if json.Unmarshal(raw, &tz) == nil && tz != "" {
			if _, err := time.LoadLocation(tz); err == nil {
				t.TimeZone = tz
			}
		}
	}
	if raw, err := st.Setting(ctx, sc, settingFoldInternet); err == nil {
		var fold bool
		if json.Unmarshal(raw, &fold) == nil {
			t.FoldInternet = fold
		}
	}
	return t, nil
}
