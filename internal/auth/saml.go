package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"

	"lots/internal/casework"
	"lots/internal/store"
)

// SAML 2.0 login (docs/sso.md) with crewjam/saml as the service provider: an AuthnRequest
// (signed, HTTP-Redirect) whose id is kept in the browser (a cookie) and stored, used once;
// the IdP's Response (HTTP-POST) verified by the library against the IdP's metadata — a
// signed assertion, the issuer, audience (Lots' entity id), recipient and destination (the
// ACS URL), InResponseTo (the browser's request), NotBefore/NotOnOrAfter with
// saml.MaxClockSkew — and every assertion id accepted once (ReplayCache, in the database).
// What the assertion says of the person then goes the OIDC way: SSOUser maps the groups to
// roles and creates or refuses a person first seen.

// SAMLBase is where Lots answers for a SAML provider: its origin (scheme and host).
type SAMLBase string

func (b SAMLBase) url(slug, tail string) url.URL {
	u, _ := url.Parse(string(b) + "/login/saml/" + slug + tail)
	return *u
}

// samlReplay records assertion and logout request ids in the database (saml_assertions), so
// a copy is refused on every server of Lots.
type samlReplay struct {
	ctx        context.Context
	store      *store.Store
	providerID int64
}

func (r samlReplay) Consume(id string, expires time.Time) error {
	fresh, err := r.store.UseSAMLID(r.ctx, r.providerID, id, expires)
	if err != nil {
		return err
	}
	if !fresh {
		return saml.ErrAssertionReplayed
	}
	return nil
}

// NewSAMLKeyPair makes Lots' key pair for a SAML provider: RSA 2048 and a self-signed
// certificate valid ten years (SAML metadata uses certificates only as key containers).
func NewSAMLKeyPair(entityID string) (keyPEM, certPEM string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return "", "", err
	}
	now := time.Now()
	cn := entityID
	if len(cn) > 64 {
		cn = cn[:64]
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"Lots"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), nil
}

// ParseSAMLMetadata reads an IdP's metadata and returns its entity id; metadata without an
// IdP with a signing certificate and a redirect sign-on service is refused.
func ParseSAMLMetadata(data []byte) (string, error) {
	ed, err := samlsp.ParseMetadata(data)
	if err != nil {
		return "", casework.Invalid("metadata", "saml.metadata_invalid")
	}
	if ed.EntityID == "" || len(ed.IDPSSODescriptors) == 0 {
		return "", casework.Invalid("metadata", "saml.metadata_invalid")
	}
	sp := saml.ServiceProvider{IDPMetadata: ed}
	if sp.GetSSOBindingLocation(saml.HTTPRedirectBinding) == "" {
		return "", casework.Invalid("metadata", "saml.metadata_no_sso")
	}
	hasCert := false
	for _, d := range ed.IDPSSODescriptors {
		for _, k := range d.KeyDescriptors {
			if (k.Use == "" || k.Use == "signing") && len(k.KeyInfo.X509Data.X509Certificates) > 0 {
				hasCert = true
			}
		}
	}
	if !hasCert {
		return "", casework.Invalid("metadata", "saml.metadata_no_cert")
	}
	return ed.EntityID, nil
}

// FetchSAMLMetadata gets an IdP's metadata from its URL (https, or http on the loopback
// address), at most 1 MiB.
func (s *Service) FetchSAMLMetadata(ctx context.Context, u string) ([]byte, error) {
	if !store.ValidIssuer(u) {
		return nil, casework.Invalid("metadata_url", "saml.metadata_url_invalid")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, casework.Invalid("metadata_url", "saml.metadata_url_invalid")
	}
	res, err := s.ssoHTTP().Do(req)
	if err != nil {
		return nil, casework.Invalid("metadata_url", "saml.metadata_unreachable")
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, casework.Invalid("metadata_url", "saml.metadata_unreachable")
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20+1))
	if err != nil || len(b) > 1<<20 {
		return nil, casework.Invalid("metadata_url", "saml.metadata_unreachable")
	}
	return b, nil
}

// samlSP is crewjam/saml's service provider for p, answering at base.
func (s *Service) samlSP(ctx context.Context, p store.SSOProvider, base SAMLBase) (*saml.ServiceProvider, error) {
	if p.Kind != "saml" || p.SAML == nil {
		return nil, casework.NotFound("sso_provider")
	}
	kb, _ := pem.Decode([]byte(p.SAML.SPKey))
	cb, _ := pem.Decode([]byte(p.SAML.SPCert))
	if kb == nil || cb == nil {
		return nil, casework.Internal(fmt.Errorf("saml provider %s: no key pair", p.Slug))
	}
	key, err := x509.ParsePKCS1PrivateKey(kb.Bytes)
	if err != nil {
		return nil, casework.Internal(err)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, casework.Internal(err)
	}
	idp, err := samlsp.ParseMetadata([]byte(p.SAML.Metadata))
	if err != nil {
		return nil, casework.Internal(fmt.Errorf("saml provider %s: metadata: %w", p.Slug, err))
	}
	sp := &saml.ServiceProvider{
		EntityID: p.ClientID, Key: key, Certificate: cert,
		MetadataURL: base.url(p.Slug, "/metadata"), AcsURL: base.url(p.Slug, "/acs"), SloURL: base.url(p.Slug, "/slo"),
		IDPMetadata: idp, AuthnNameIDFormat: saml.UnspecifiedNameIDFormat,
		SignatureMethod:                  dsig.RSASHA256SignatureMethod,
		LogoutBindings:                   []string{saml.HTTPRedirectBinding, saml.HTTPPostBinding},
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		AllowIDPInitiated:                false, // every response answers a request of this browser
		RejectSHA1Signatures:             true,
		RejectUnknownConditions:          true,
		ReplayCache:                      samlReplay{ctx: ctx, store: s.Store, providerID: p.ID},
		Clock:                            dsig.NewFakeClockAt(s.Now()),
		HTTPClient:                       s.ssoHTTP(),
	}
	return sp, nil
}

func (s *Service) samlProvider(ctx context.Context, slug string) (store.SSOProvider, error) {
	p, err := s.Store.SSOProviderBySlug(ctx, slug)
	if err == nil && p.Kind != "saml" {
		err = casework.NotFound("sso_provider")
	}
	return p, err
}

// IsSAML reports whether slug is an active SAML provider (the common /login/sso/{slug} link
// then goes the SAML way).
func (s *Service) IsSAML(ctx context.Context, slug string) bool {
	_, err := s.samlProvider(ctx, slug)
	return err == nil
}

// SAMLMetadata is Lots' service provider metadata for the provider slug.
func (s *Service) SAMLMetadata(ctx context.Context, slug string, base SAMLBase) ([]byte, error) {
	p, err := s.samlProvider(ctx, slug)
	if err != nil {
		return nil, err
	}
	sp, err := s.samlSP(ctx, p, base)
	if err != nil {
		return nil, err
	}
	md := sp.Metadata()
	for i := range md.SPSSODescriptors {
		yes := true
		md.SPSSODescriptors[i].AuthnRequestsSigned = &yes
		md.SPSSODescriptors[i].WantAssertionsSigned = &yes
	}
	b, err := xml.MarshalIndent(md, "", "  ")
	if err != nil {
		return nil, casework.Internal(err)
	}
	return append([]byte(xml.Header), b...), nil
}

// BeginSAML starts a login at the SAML provider slug: the URL to send the browser to, and
// the request id to keep in it (SSOStart.State). fresh asks the IdP to authenticate the
// person again (ForceAuthn, for step-up).
func (s *Service) BeginSAML(ctx context.Context, slug string, base SAMLBase, next string, fresh bool) (SSOStart, error) {
	p, err := s.samlProvider(ctx, slug)
	if err != nil {
		return SSOStart{}, err
	}
	sp, err := s.samlSP(ctx, p, base)
	if err != nil {
		return SSOStart{}, err
	}
	if fresh {
		sp.ForceAuthn = &fresh
	}
	req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return SSOStart{}, casework.Internal(err)
	}
	if err := s.Store.BeginSSO(ctx, store.SSORequest{StateHash: HashToken(req.ID), ProviderID: p.ID, Next: next,
		Fresh: fresh, ExpiresAt: s.Now().Add(ssoRequestTTL)}); err != nil {
		return SSOStart{}, err
	}
	u, err := req.Redirect("", sp)
	if err != nil {
		return SSOStart{}, casework.Internal(err)
	}
	return SSOStart{URL: u.String(), State: req.ID}, nil
}

// samlReason names why crewjam/saml refused a response, for the access log.
func samlReason(err error) string {
	var bad saml.ErrBadStatus
	switch {
	case errors.Is(err, saml.ErrAssertionReplayed):
		return "assertion_replayed"
	case errors.Is(err, saml.ErrExpired), errors.Is(err, saml.ErrNotYetValid):
		return "assertion_expired"
	case errors.Is(err, saml.ErrAudienceMismatch):
		return "audience"
	case errors.Is(err, saml.ErrIssuerMismatch):
		return "issuer_unknown"
	case errors.Is(err, saml.ErrRequestIDMismatch):
		return "in_response_to"
	case errors.Is(err, saml.ErrDestinationMismatch):
		return "recipient"
	case errors.Is(err, saml.ErrInvalidSignature), errors.Is(err, saml.ErrUntrustedCertificate), errors.Is(err, saml.ErrCertificateNotValidNow):
		return "signature_invalid"
	case strings.Contains(err.Error(), "signature element not present"): // crewjam/saml does not export it
		return "unsigned"
	case errors.As(err, &bad):
		return "provider_error"
	case errors.Is(err, saml.ErrMalformedMessage), errors.Is(err, saml.ErrMissingElement):
		return "malformed"
	}
	return "assertion_invalid"
}

// samlKey is the page's message for a refusal reason.
func samlKey(reason string) string {
	switch reason {
	case "assertion_expired":
		return "saml.expired"
	case "assertion_replayed":
		return "saml.replayed"
	case "provider_error":
		return "sso.provider_error"
	case "in_response_to", "state_unknown", "state_mismatch", "state_provider":
		return "sso.state"
	}
	return "saml.invalid"
}

// FinishSAML checks the IdP's response posted to the ACS (r) and starts a session. The
// request id kept in the browser (cookieID) is the only InResponseTo accepted, and its
// stored request is used once. Every refusal is logged in the provider's municipality's
// access log and the server log, and no session is created.
func (s *Service) FinishSAML(ctx context.Context, slug string, base SAMLBase, cookieID string, r *http.Request) (SSOLogin, error) {
	p, err := s.samlProvider(ctx, slug)
	if err != nil {
		return SSOLogin{}, err
	}
	login, reason, err := s.finishSAML(ctx, p, base, cookieID, r)
	if err != nil {
		if reason == "" {
			reason = casework.AsError(err).Key
		}
		s.auditSSOFailure(ctx, p, login.Actor, reason, err)
		return SSOLogin{}, err
	}
	return login, nil
}

func (s *Service) finishSAML(ctx context.Context, p store.SSOProvider, base SAMLBase, cookieID string, r *http.Request) (SSOLogin, string, error) {
	sp, err := s.samlSP(ctx, p, base)
	if err != nil {
		return SSOLogin{}, "internal", err
	}
	if cookieID == "" {
		return SSOLogin{}, "state_mismatch", ssoErr("sso.state", "no SAML request id in the browser")
	}
	if err := r.ParseForm(); err != nil {
		return SSOLogin{}, "malformed", ssoErr("saml.invalid", "form: %v", err)
	}
	as, err := sp.ParseResponse(r, []string{cookieID})
	if err != nil {
		detail := err
		var ivr *saml.InvalidResponseError
		if errors.As(err, &ivr) && ivr.PrivateErr != nil {
			detail = ivr.PrivateErr
		}
		reason := samlReason(detail)
		return SSOLogin{}, reason, ssoErr(samlKey(reason), "saml response: %v", detail)
	}
	req, err := s.Store.TakeSSO(ctx, HashToken(cookieID))
	if err != nil {
		return SSOLogin{}, "state_unknown", err
	}
	if req.ProviderID != p.ID {
		return SSOLogin{}, "state_provider", ssoErr("sso.state", "request of another provider")
	}
	if as.Subject == nil || as.Subject.NameID == nil || as.Subject.NameID.Value == "" {
		return SSOLogin{}, "no_subject", ssoErr("saml.invalid", "no NameID")
	}
	nameID := as.Subject.NameID.Value
	var authn *saml.AuthnStatement
	if len(as.AuthnStatements) > 0 {
		authn = &as.AuthnStatements[0]
	}
	if req.Fresh {
		if authn == nil || s.Now().Sub(authn.AuthnInstant) > ssoRequestTTL+ClockSkew {
			return SSOLogin{}, "not_fresh", ssoErr("sso.not_fresh", "AuthnInstant is not fresh")
		}
	}
	attrs := samlAttributes(as)
	id := store.SSOIdentity{Subject: nameID, Username: nameID, Groups: attrs.all(p.GroupsClaim)}
	if p.SAML.HSAAttr != "" {
		hsa := attrs.first(p.SAML.HSAAttr)
		if hsa == "" {
			return SSOLogin{}, "no_hsa_id", ssoErr("saml.no_hsa_id", "no %s attribute", p.SAML.HSAAttr)
		}
		id.Subject, id.Username = hsa, hsa
	}
	id.Name = attrs.first("displayName", "urn:oid:2.16.840.1.113730.3.1.241", "cn", "urn:oid:2.5.4.3")
	if id.Name == "" {
		id.Name = strings.TrimSpace(attrs.first("givenName", "urn:oid:2.5.4.42") + " " + attrs.first("sn", "surname", "urn:oid:2.5.4.4"))
	}
	id.Email = attrs.first("mail", "email", "urn:oid:0.9.2342.19200300.100.1.3")
	if authn != nil {
		id.SessionID = authn.SessionIndex
	}
	a, err := s.Store.SSOUser(ctx, p, id)
	if err != nil {
		if casework.ErrorCode(err) == casework.EInternal {
			return SSOLogin{}, "internal", err
		}
		return SSOLogin{Actor: a}, casework.AsError(err).Key, err
	}
	mfa := false
	if authn != nil && authn.AuthnContext.AuthnContextClassRef != nil {
		got := strings.TrimSpace(authn.AuthnContext.AuthnContextClassRef.Value)
		for _, want := range strings.Fields(p.MFAACR) {
			if subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 {
				mfa = true
			}
		}
	}
	token, err := s.StartSessionWith(ctx, a, store.Session{AuthMethod: "saml", MFA: mfa, IdPProvider: p.ID,
		IdPSubject: nameID, IdPSession: id.SessionID})
	if err != nil {
		return SSOLogin{}, "internal", err
	}
	return SSOLogin{Actor: a, Token: token, Next: req.Next}, "", nil
}

// samlAttrs are an assertion's attribute values by name and by friendly name.
type samlAttrs map[string][]string

func samlAttributes(as *saml.Assertion) samlAttrs {
	out := samlAttrs{}
	for _, st := range as.AttributeStatements {
		for _, a := range st.Attributes {
			for _, v := range a.Values {
				val := strings.TrimSpace(v.Value)
				if val == "" {
					continue
				}
				out[a.Name] = append(out[a.Name], val)
				if a.FriendlyName != "" && a.FriendlyName != a.Name {
					out[a.FriendlyName] = append(out[a.FriendlyName], val)
				}
			}
		}
	}
	return out
}

func (a samlAttrs) all(name string) []string { return a[name] }

func (a samlAttrs) first(names ...string) string {
	for _, n := range names {
		if v := a[n]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// SAMLLogout answers the IdP's LogoutRequest (SAML single logout, HTTP-Redirect or
// HTTP-POST): signed by the IdP, addressed to Lots' SLO URL, current and not seen before.
// The Lots sessions of its NameID (and SessionIndex, when it names one) end; the answer is
// the URL of a signed LogoutResponse for the browser to take back to the IdP.
func (s *Service) SAMLLogout(ctx context.Context, slug string, base SAMLBase, r *http.Request) (string, int, error) {
	p, err := s.samlProvider(ctx, slug)
	if err != nil {
		return "", 0, err
	}
	sp, err := s.samlSP(ctx, p, base)
	if err != nil {
		return "", 0, err
	}
	lr, err := sp.ValidateLogoutRequest(r)
	if err != nil {
		reason := "logout_request_invalid"
		if errors.Is(err, saml.ErrAssertionReplayed) {
			reason = "logout_request_replayed"
		}
		s.auditSSOFailure(ctx, p, casework.Actor{}, reason, err)
		return "", 0, ssoErr("saml.logout_invalid", "logout request: %v", err)
	}
	if lr.NameID == nil || lr.NameID.Value == "" {
		s.auditSSOFailure(ctx, p, casework.Actor{}, "logout_request_invalid", errors.New("no NameID"))
		return "", 0, ssoErr("saml.logout_invalid", "logout request without NameID")
	}
	n := 0
	var indexes []string
	for _, ix := range lr.AllSessionIndexes() {
		indexes = append(indexes, ix.Value)
	}
	if len(indexes) == 0 {
		indexes = []string{""}
	}
	for _, ix := range indexes {
		k, err := s.Store.EndIdPSessions(ctx, p, lr.NameID.Value, ix)
		if err != nil {
			return "", 0, err
		}
		n += k
	}
	relay := r.FormValue("RelayState")
	u, err := sp.MakeRedirectLogoutResponse(lr.ID, relay)
	if err != nil {
		return "", n, casework.Internal(err)
	}
	return u.String(), n, nil
}

// SAMLEndSessionURL is where to send the browser after Lots' own logout of a session that
// came from a SAML provider, so the IdP's session ends too (SP-initiated single logout: a
// signed LogoutRequest by HTTP-Redirect naming the session's NameID and SessionIndex); ""
// when the session is not a SAML one or the IdP has no single logout service.
func (s *Service) SAMLEndSessionURL(ctx context.Context, sess store.Session, base SAMLBase) string {
	if sess.IdPProvider == 0 || sess.IdPSubject == "" {
		return ""
	}
	p, err := s.Store.SSOProviderByID(ctx, sess.IdPProvider)
	if err != nil || p.Kind != "saml" {
		return ""
	}
	sp, err := s.samlSP(ctx, p, base)
	if err != nil || sp.GetSLOBindingLocation(saml.HTTPRedirectBinding) == "" {
		return ""
	}
	var opts []saml.LogoutRequestOption
	if sess.IdPSession != "" {
		opts = append(opts, saml.WithSessionIndex(sess.IdPSession))
	}
	u, err := sp.MakeRedirectLogoutRequest(sess.IdPSubject, "", opts...)
	if err != nil {
		if s.Log != nil {
			s.Log.Warn("saml logout request", "provider", p.ProviderKey(), "err", err)
		}
		return ""
	}
	return u.String()
}

// SAMLLogoutResponse checks the IdP's LogoutResponse to a logout Lots began (signed by the
// IdP, addressed to Lots' SLO URL). Lots' session had already ended: an invalid answer is
// only logged.
func (s *Service) SAMLLogoutResponse(ctx context.Context, slug string, base SAMLBase, r *http.Request) error {
	p, err := s.samlProvider(ctx, slug)
	if err != nil {
		return err
	}
	sp, err := s.samlSP(ctx, p, base)
	if err != nil {
		return err
	}
	// The answer changes nothing (the session ended when the request was sent), so a replayed
	// or unsolicited one is harmless; the request's id is not kept to match it against.
	//lint:ignore SA1019 see above: ParseLogoutResponse needs the ids of the requests sent
	if err := sp.ValidateLogoutResponseRequest(r); err != nil { //nolint:staticcheck
		s.auditSSOFailure(ctx, p, casework.Actor{}, "logout_response_invalid", err)
		return ssoErr("saml.logout_invalid", "logout response: %v", err)
	}
	return nil
}
