package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"lots/internal/access"
	"lots/internal/auth"
	"lots/internal/casework"
)

// Step-up in the API (docs/passkeys.md, "Step-up"). A personal token has no login of its own
// to repeat; what it can carry is when its maker last proved who they are, in the session the
// token was made in (store.TokenAuthenticated). An export of personal data (stepUp in its
// handler, after the role's permission: a role without it is refused as always) answers only a token made within the municipality's step-up time of that: otherwise a 401
// problem with the key stepup.required and the OAuth step-up challenge of RFC 9470
// (error="insufficient_user_authentication" with max_age), so a client knows to have its user
// sign in again (with the password and second factor, or a passkey) and make a new token.

func (api *API) stepUp(w http.ResponseWriter, r *http.Request, p access.Permission) error {
	a, _ := casework.ActorFrom(r.Context())
	if !access.Can(a, p).Allowed {
		return nil // the store refuses (and logs) it as for anyone without the permission
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	token = strings.TrimSpace(token)
	m, err := api.store.Municipality(r.Context(), a.User.MunicipalityID)
	if err != nil {
		return err
	}
	window := time.Duration(m.Settings.WithDefaults().StepUpMinutes) * time.Minute
	at, err := api.store.TokenAuthenticatedAt(r.Context(), auth.HashToken(token))
	if err != nil {
		return err
	}
	if !at.IsZero() && api.auth.Now().Sub(at) <= window {
		return nil
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="lots", error="insufficient_user_authentication", `+
		`error_description="A fresh authentication is needed for an export of personal data", max_age=%d`, int(window.Seconds())))
	return casework.Errorf(casework.EUnauthorized, "stepup.required", "token made %v, not within the step-up time", at)
}
