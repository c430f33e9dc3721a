package portal

import (
	"fmt"
	"net/http"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// Personal API tokens (every role): create (the secret is shown once),
// list, revoke. A token carries its owner's tenant and current role.

type tokenRow struct {
	ID       string     `json:"id"` // auth.TokenID: public, short
	Name     string     `json:"name"`
	Created  time.Time  `json:"created"`
	LastUsed *time.Time `json:"last_used"`
	Revoked  *time.Time `json:"revoked"`

	CreatedText  string `json:"-"`
	LastUsedText string `json:"-"`
	RevokedText  string `json:"-"`
}

type tokensModel struct {
	Tokens []tokenRow `json:"tokens"`
	// For the page.
	Flash  *flash       `json:"-"`
	Secret *tokenSecret `json:"-"`
	Name   string       `json:"-"`
}

// tokenSecret is a new token, shown once.
type tokenSecret struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

type tokenForm struct {
	Name string `json:"name"`
}

func optTime(t time.Time, loc *time.Location) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.In(loc)
	return &v
}

// ownTokens lists the actor's own tokens, newest first.
func (p *Portal) ownTokens(r *http.Request, rq *request) ([]store.APIToken, error) {
	if p.deps.Admin.Accounts == nil {
		return nil, missingDep("Accounts")
	}
	ts, err := p.deps.Admin.Accounts.ListTokens(r.Context(), rq.user, rq.user.Tenant, rq.user.User)
	if err != nil {
		return nil, err
	}
	out := ts[:0:0]
	for _, t := range ts {
		if t.User == rq.user.User && t.Tenant == rq.user.Tenant {
			out = append(out, t)
		}
	}
	return out, nil
}

func (p *Portal) tokens(r *http.Request, rq *request) (tokensModel, error) {
	ts, err := p.ownTokens(r, rq)
	if err != nil {
		return tokensModel{}, err
	}
	m := tokensModel{Tokens: make([]tokenRow, 0, len(ts))}
	for _, t := range ts {
		m.Tokens = append(m.Tokens, tokenRow{ID: auth.TokenID(t.Hash), Name: t.Name, Created: t.Created.In(rq.loc),
			LastUsed: optTime(t.LastUsed, rq.loc), Revoked: optTime(t.Revoked, rq.loc),
			CreatedText: localTime(t.Created, rq.loc, layoutMinute), LastUsedText: localTime(t.LastUsed, rq.loc, layoutMinute),
			RevokedText: localTime(t.Revoked, rq.loc, layoutMinute)})
	}
	return m, nil
}

func (p *Portal) drawTokens(w http.ResponseWriter, r *http.Request, rq *request, status int, f *flash, s *tokenSecret, name string) {
	m, err := p.tokens(r, rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	m.Flash, m.Secret, m.Name = f, s, name
	p.render(w, r, status, "tokens", "tokens", m)
}

func (p *Portal) tokensPage(w http.ResponseWriter, r *http.Request, rq *request) {
	var f *flash
	if r.URL.Query().Get("done") == "revoked" {
		f = p.note(r, "tokens.revoked")
	}
	p.drawTokens(w, r, rq, http.StatusOK, f, nil, "")
}

func (p *Portal) tokensAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.tokens(r, rq)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (p *Portal) createToken(r *http.Request, rq *request, f tokenForm) (tokenSecret, error) {
	if p.deps.Admin.Accounts == nil {
		return tokenSecret{}, missingDep("Accounts")
	}
	secret, t, err := p.deps.Admin.Accounts.CreateToken(r.Context(), rq.user, f.Name)
	if err != nil {
		return tokenSecret{}, err
	}
	return tokenSecret{ID: auth.TokenID(t.Hash), Name: t.Name, Secret: secret}, nil
}

func (p *Portal) createTokenSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	name := r.PostFormValue("name")
	s, err := p.createToken(r, rq, tokenForm{Name: name})
	if err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawTokens(w, r, rq, status, &fl, nil, name) })
		return
	}
	p.drawTokens(w, r, rq, http.StatusOK, nil, &s, "")
}

func (p *Portal) createTokenAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var f tokenForm
	if err := decodeJSON(r, &f); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	s, err := p.createToken(r, rq, f)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s)
}

// revokeToken revokes one of the actor's own tokens named by its public
// ID; another user's token is not found.
func (p *Portal) revokeToken(r *http.Request, rq *request) error {
	ts, err := p.ownTokens(r, rq)
	if err != nil {
		return err
	}
	id := r.PathValue("token")
	for _, t := range ts {
		if auth.TokenID(t.Hash) == id && t.Revoked.IsZero() {
			return p.deps.Admin.Accounts.RevokeToken(r.Context(), rq.user, t.Hash)
		}
	}
	return fmt.Errorf("token %q: %w", id, store.ErrNotFound)
}

func (p *Portal) revokeTokenSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	if err := p.revokeToken(r, rq); err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawTokens(w, r, rq, status, &fl, nil, "") })
		return
	}
	http.Redirect(w, r, "/tokens?done=revoked", http.StatusSeeOther)
}

func (p *Portal) revokeTokenAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	if err := p.revokeToken(r, rq); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
