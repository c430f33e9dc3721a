package portal

import (
	"errors"
	"net/http"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// loginData is what the login templates show.
type loginData struct {
	// Error: "", invalid, limited, expired, attempts, format, mismatch,
	// weak, current.
	Error  string
	Login  string
	Forced bool // password page: the change is required before anything else
}

func (p *Portal) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, err := p.sessionUser(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p.render(w, r, http.StatusOK, "login", "", loginData{})
}

// loginSubmit is the password step. The answer does not say whether the
// login exists or is locked; the auth service counts failures and locks.
func (p *Portal) loginSubmit(w http.ResponseWriter, r *http.Request) {
	login, password := r.PostFormValue("login"), r.PostFormValue("password")
	if login == "" || password == "" {
		p.render(w, r, http.StatusBadRequest, "login", "", loginData{Error: "invalid", Login: login})
		return
	}
	ctx := r.Context()
	pending, err := p.deps.Auth.VerifyPassword(ctx, login, password)
	switch {
	case errors.Is(err, auth.ErrRateLimited):
		p.render(w, r, http.StatusTooManyRequests, "login", "", loginData{Error: "limited", Login: login})
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		p.render(w, r, http.StatusUnauthorized, "login", "", loginData{Error: "invalid", Login: login})
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	switch err := p.deps.Auth.StartCode(ctx, pending); {
	case errors.Is(err, auth.ErrRateLimited):
		p.render(w, r, http.StatusTooManyRequests, "login", "", loginData{Error: "limited", Login: login})
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	// A new token at every change of privilege defeats session fixation.
	if err := p.sessions.RenewToken(ctx); err != nil {
		p.internalError(w, r, err)
		return
	}
	p.clearPrincipal(r)
	p.sessions.Put(ctx, keyPendingUser, int64(pending.User))
	p.sessions.Put(ctx, keyPendingTenant, int64(pending.Tenant))
	p.sessions.Put(ctx, keyPendingLogin, pending.Login)
	p.sessions.Put(ctx, keyPendingEmail, pending.Email)
	p.sessions.Put(ctx, keyPendingAt, pending.At.UnixNano())
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
}

// pendingLogin returns the login of this session that passed the password
// step less than pendingLifetime ago.
func (p *Portal) pendingLogin(r *http.Request) (auth.Pending, bool) {
	ctx := r.Context()
	pd := auth.Pending{
		User:   store.UserID(p.sessions.GetInt64(ctx, keyPendingUser)),
		Tenant: store.TenantID(p.sessions.GetInt64(ctx, keyPendingTenant)),
		Login:  p.sessions.GetString(ctx, keyPendingLogin),
		Email:  p.sessions.GetString(ctx, keyPendingEmail),
		At:     time.Unix(0, p.sessions.GetInt64(ctx, keyPendingAt)),
	}
	if pd.User == 0 || p.cfg.Now().Sub(pd.At) > pendingLifetime {
		return auth.Pending{}, false
	}
	return pd, true
}

func (p *Portal) clearPending(r *http.Request) {
	for _, k := range []string{keyPendingUser, keyPendingTenant, keyPendingLogin, keyPendingEmail, keyPendingAt} {
		p.sessions.Remove(r.Context(), k)
	}
}

func (p *Portal) clearPrincipal(r *http.Request) {
	for _, k := range []string{keyUser, keyTenant, keyLogin, keyRole, keyAuthAt} {
		p.sessions.Remove(r.Context(), k)
	}
}

func (p *Portal) codeForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := p.pendingLogin(r); !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p.render(w, r, http.StatusOK, "code", "", loginData{})
}

// plausibleCode reports whether s can be a code at all: the auth service
// accepts spaces, hyphens and full-width digits, so only the length is
// bounded here.
func plausibleCode(s string) bool {
	return s != "" && len(s) <= 64
}

// codeSubmit is the one-time code step; success makes the session a
// logged-in one under a new token.
func (p *Portal) codeSubmit(w http.ResponseWriter, r *http.Request) {
	pending, ok := p.pendingLogin(r)
	if !ok {
		p.clearPending(r)
		p.render(w, r, http.StatusUnauthorized, "login", "", loginData{Error: "expired"})
		return
	}
	code := r.PostFormValue("code")
	if !plausibleCode(code) {
		p.render(w, r, http.StatusBadRequest, "code", "", loginData{Error: "format"})
		return
	}
	ctx := r.Context()
	pr, err := p.deps.Auth.VerifyCode(ctx, pending, code)
	switch {
	case errors.Is(err, auth.ErrCodeInvalid):
		p.render(w, r, http.StatusUnauthorized, "code", "", loginData{Error: "invalid"})
		return
	case errors.Is(err, auth.ErrCodeExpired):
		p.clearPending(r)
		p.render(w, r, http.StatusUnauthorized, "login", "", loginData{Error: "expired", Login: pending.Login})
		return
	case errors.Is(err, auth.ErrCodeAttempts):
		p.clearPending(r)
		p.render(w, r, http.StatusUnauthorized, "login", "", loginData{Error: "attempts", Login: pending.Login})
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	if err := p.sessions.RenewToken(ctx); err != nil {
		p.internalError(w, r, err)
		return
	}
	p.clearPending(r)
	p.sessions.Put(ctx, keyUser, int64(pr.User))
	p.sessions.Put(ctx, keyTenant, int64(pr.Tenant))
	p.sessions.Put(ctx, keyLogin, pr.Login)
	p.sessions.Put(ctx, keyRole, string(pr.Role))
	p.sessions.Put(ctx, keyAuthAt, pr.AuthTime.UnixNano())
	if pr.MustChange {
		http.Redirect(w, r, "/password", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (p *Portal) passwordForm(w http.ResponseWriter, r *http.Request) {
	rq := requestOf(r)
	p.render(w, r, http.StatusOK, "password", "", loginData{Forced: rq.user.MustChange})
}

func (p *Portal) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	rq := requestOf(r)
	cur, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	d := loginData{Forced: rq.user.MustChange}
	if next != confirm {
		d.Error = "mismatch"
		p.render(w, r, http.StatusBadRequest, "password", "", d)
		return
	}
	ctx := r.Context()
	switch err := p.deps.Auth.ChangePassword(ctx, rq.user, cur, next); {
	case errors.Is(err, auth.ErrWeakPassword):
		d.Error = "weak"
		p.render(w, r, http.StatusBadRequest, "password", "", d)
		return
	case errors.Is(err, auth.ErrInvalidCredentials):
		d.Error = "current"
		p.render(w, r, http.StatusUnauthorized, "password", "", d)
		return
	case errors.Is(err, auth.ErrRateLimited):
		d.Error = "limited"
		p.render(w, r, http.StatusTooManyRequests, "password", "", d)
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	if err := p.sessions.RenewToken(ctx); err != nil {
		p.internalError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request) {
	if err := p.sessions.Destroy(r.Context()); err != nil {
		p.internalError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// logoutAll ends every session of the user, this one included.
func (p *Portal) logoutAll(w http.ResponseWriter, r *http.Request) {
	u := requestOf(r).user
	if err := p.deps.Auth.LogoutEverywhere(r.Context(), u, u.Tenant, u.User); err != nil {
		p.internalError(w, r, err)
		return
	}
	p.logout(w, r)
}
