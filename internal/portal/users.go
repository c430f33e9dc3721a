package portal

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// S1-4 users of a tenant (admins only): list, add with a generated initial
// password shown once, remove, reset a password, lift a lockout. The auth
// service checks the role and the tenant again and audits every change.

type userRow struct {
	ID          store.UserID `json:"id"`
	Login       string       `json:"login"`
	Email       string       `json:"email"`
	Role        store.Role   `json:"role"`
	MustChange  bool         `json:"must_change"`
	Locked      bool         `json:"locked"`
	LockedUntil *time.Time   `json:"locked_until"`
	Failed      int          `json:"failed_attempts"`
	Disabled    bool         `json:"disabled"`
	Created     time.Time    `json:"created"`
	Self        bool         `json:"self"`

	CreatedText string `json:"-"`
	LockedText  string `json:"-"`
}

type usersModel struct {
	Users    []userRow `json:"users"`
	MaxUsers int       `json:"max_users"`
	// CanAdd is false when the tenant's quota is used up.
	CanAdd bool `json:"can_add"`
	// For the page.
	Flash  *flash      `json:"-"`
	Secret *userSecret `json:"-"`
	Form   userForm    `json:"-"`
}

// userForm is a user to add.
type userForm struct {
	Login string     `json:"login"` // empty: generated
	Email string     `json:"email"`
	Role  store.Role `json:"role"`
}

// userSecret is a generated password, shown once.
type userSecret struct {
	Login    string `json:"login"`
	Password string `json:"initial_password"`
	Reset    bool   `json:"-"`
}

func (p *Portal) users(r *http.Request, rq *request) (usersModel, error) {
	acc := p.deps.Admin.Accounts
	if acc == nil {
		return usersModel{}, missingDep("Accounts")
	}
	us, err := acc.ListUsers(r.Context(), rq.user, rq.user.Tenant)
	if err != nil {
		return usersModel{}, err
	}
	now := p.cfg.Now()
	m := usersModel{Users: make([]userRow, 0, len(us)), MaxUsers: rq.tenant.MaxUsers}
	counted := 0
	for _, u := range us {
		if u.Tenant != rq.user.Tenant {
			continue // never show another tenant's user, whatever the service answers
		}
		row := userRow{ID: u.ID, Login: u.Login, Email: u.Email, Role: u.Role, MustChange: u.MustChange,
			Failed: u.FailedAttempts, Disabled: u.Disabled, Created: u.Created.In(rq.loc),
			CreatedText: localTime(u.Created, rq.loc, layoutMinute), Self: u.ID == rq.user.User}
		if u.LockedUntil.After(now) {
			l := u.LockedUntil.In(rq.loc)
			row.Locked, row.LockedUntil, row.LockedText = true, &l, localTime(l, rq.loc, layoutMinute)
		}
		if u.Role != store.RoleOperator {
			counted++
		}
		m.Users = append(m.Users, row)
	}
	m.CanAdd = m.MaxUsers <= 0 || counted < m.MaxUsers
	return m, nil
}

func (p *Portal) drawUsers(w http.ResponseWriter, r *http.Request, rq *request, status int, f *flash, s *userSecret, form userForm) {
	m, err := p.users(r, rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	if form.Role == "" {
		form.Role = store.RoleUser
	}
	m.Flash, m.Secret, m.Form = f, s, form
	p.render(w, r, status, "users", "users", m)
}

func (p *Portal) usersPage(w http.ResponseWriter, r *http.Request, rq *request) {
	var f *flash
	switch r.URL.Query().Get("done") {
	case "removed":
		f = p.note(r, "users.removed")
	case "unlocked":
		f = p.note(r, "users.unlocked")
	}
	p.drawUsers(w, r, rq, http.StatusOK, f, nil, userForm{})
}

func (p *Portal) usersAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.users(r, rq)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (p *Portal) addUser(r *http.Request, rq *request, f userForm) (userSecret, error) {
	if p.deps.Admin.Accounts == nil {
		return userSecret{}, missingDep("Accounts")
	}
	if f.Role != store.RoleAdmin && f.Role != store.RoleUser {
		return userSecret{}, fmt.Errorf("%w: role must be admin or user", errBadInput)
	}
	a, err := p.deps.Admin.Accounts.AddUser(r.Context(), rq.user, rq.user.Tenant,
		auth.NewUser{Login: strings.TrimSpace(f.Login), Email: strings.TrimSpace(f.Email), Role: f.Role})
	if err != nil {
		return userSecret{}, err
	}
	return userSecret{Login: a.Login, Password: a.InitialPassword}, nil
}

func (p *Portal) addUserSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	f := userForm{Login: r.PostFormValue("login"), Email: r.PostFormValue("email"), Role: store.Role(r.PostFormValue("role"))}
	s, err := p.addUser(r, rq, f)
	if err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawUsers(w, r, rq, status, &fl, nil, f) })
		return
	}
	p.drawUsers(w, r, rq, http.StatusOK, nil, &s, userForm{})
}

func (p *Portal) addUserAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var f userForm
	if err := decodeJSON(r, &f); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	s, err := p.addUser(r, rq, f)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s)
}

// userAction runs one of remove, reset and unlock on the user of the path;
// reset returns the new password.
func (p *Portal) userAction(r *http.Request, rq *request, action string) (userSecret, error) {
	acc := p.deps.Admin.Accounts
	if acc == nil {
		return userSecret{}, missingDep("Accounts")
	}
	id, err := pathID(r, "user")
	if err != nil {
		return userSecret{}, err
	}
	ctx, uid, tid := r.Context(), store.UserID(id), rq.user.Tenant
	switch action {
	case "remove":
		return userSecret{}, acc.RemoveUser(ctx, rq.user, tid, uid)
	case "unlock":
		return userSecret{}, acc.Unlock(ctx, rq.user, tid, uid)
	}
	login := ""
	us, err := acc.ListUsers(ctx, rq.user, tid)
	if err != nil {
		return userSecret{}, err
	}
	for _, u := range us {
		if u.ID == uid && u.Tenant == tid {
			login = u.Login
		}
	}
	if login == "" {
		return userSecret{}, fmt.Errorf("user %d: %w", id, store.ErrNotFound)
	}
	pw, err := newPassword()
	if err != nil {
		return userSecret{}, err
	}
	if err := acc.SetPassword(ctx, rq.user, tid, uid, pw); err != nil {
		return userSecret{}, err
	}
	return userSecret{Login: login, Password: pw, Reset: true}, nil
}

func (p *Portal) userActionSubmit(action string) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		s, err := p.userAction(r, rq, action)
		if err != nil {
			p.failure(w, r, err, func(status int, fl flash) { p.drawUsers(w, r, rq, status, &fl, nil, userForm{}) })
			return
		}
		switch action {
		case "remove":
			http.Redirect(w, r, "/users?done=removed", http.StatusSeeOther)
		case "unlock":
			http.Redirect(w, r, "/users?done=unlocked", http.StatusSeeOther)
		default:
			p.drawUsers(w, r, rq, http.StatusOK, nil, &s, userForm{})
		}
	}
}

func (p *Portal) userActionAPI(action string) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		s, err := p.userAction(r, rq, action)
		if err != nil {
			p.writeAccountError(w, r, err)
			return
		}
		if action == "reset" {
			writeJSON(w, http.StatusOK, s)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// passwordAlphabet leaves out characters misread on a screen (0/O, 1/l/I).
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newPassword draws a 16-character password (about 93 bits) for a reset;
// the user must change it at the next login.
func newPassword() (string, error) {
	var b strings.Builder
	max := big.NewInt(int64(len(passwordAlphabet)))
	for range 16 {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			return "", fmt.Errorf("password: %w", err)
		}
		b.WriteByte(passwordAlphabet[n.Int64()])
	}
	return b.String(), nil
}
