package auth

import (
	"time"

	"github.com/otsight/otsight/internal/store"
)

// OperatorTenant is the tenant operators belong to: the provider, with no
// data and no user quota.
const OperatorTenant store.TenantID = 0

// Principal is an authenticated actor: a user after VerifyCode, the owner
// of an API token, or System.
type Principal struct {
	User       store.UserID
	Login      string
	Tenant     store.TenantID
	Role       store.Role
	MustChange bool      // the portal allows only a password change until it is done
	AuthTime   time.Time // when the login completed (zero for tokens and System)
}

// System is the actor of the server itself (bootstrap, maintenance); it
// may do what an operator may.
var System = Principal{Login: "system", Tenant: OperatorTenant, Role: store.RoleOperator}

// Scope returns the principal's tenant scope.
func (p Principal) Scope() store.Scope { return store.ForTenant(p.Tenant) }

func (p Principal) isOperator() bool { return p.Role == store.RoleOperator }

// canManageUsers reports whether p may add, remove and reset users of
// tenant t: its own admins, and operators for any tenant.
func (p Principal) canManageUsers(t store.TenantID) bool {
	return p.isOperator() || (p.Role == store.RoleAdmin && p.Tenant == t)
}

// canRead reports whether p may read tenant t's users and tokens.
func (p Principal) canRead(t store.TenantID) bool {
	return p.isOperator() || (p.Tenant == t && (p.Role == store.RoleAdmin || p.Role == store.RoleUser))
}

// Pending is a login that passed the password step and waits for its
// e-mailed code. The portal keeps it in the pre-authentication session.
type Pending struct {
	User   store.UserID
	Tenant store.TenantID
	Login  string
	Email  string
	At     time.Time // when the password was verified
}
