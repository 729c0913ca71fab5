// Passkeys (WebAuthn; docs/passkeys.md). A form with data-passkey="register" or "check" runs
// a ceremony when sent: it asks the server for the options (POST data-begin), lets the
// browser and the authenticator make or use the passkey, and posts the answer (POST
// data-finish) as JSON. The server answers {"redirect": url} or {"error": message}; the
// message is shown in the form's live region ([data-passkey-error]). Served from Lots itself:
// no inline script, nothing from elsewhere.
(() => {
  const forms = document.querySelectorAll("form[data-passkey]");
  if (!forms.length) return;

  // base64url <-> ArrayBuffer
  const toBuf = (s) => {
    const b = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4));
    return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
  };
  const toB64 = (buf) => {
    let s = "";
    new Uint8Array(buf).forEach((c) => { s += String.fromCharCode(c); });
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };

  const creationOptions = (o) => {
    const pk = o.publicKey;
    pk.challenge = toBuf(pk.challenge);
    pk.user.id = toBuf(pk.user.id);
    (pk.excludeCredentials || []).forEach((c) => { c.id = toBuf(c.id); });
    return { publicKey: pk };
  };
  const requestOptions = (o) => {
    const pk = o.publicKey;
    pk.challenge = toBuf(pk.challenge);
    (pk.allowCredentials || []).forEach((c) => { c.id = toBuf(c.id); });
    return { publicKey: pk };
  };
  const credentialJSON = (c) => {
    const r = c.response;
    const out = { id: c.id, rawId: toB64(c.rawId), type: c.type, clientExtensionResults: c.getClientExtensionResults(),
      authenticatorAttachment: c.authenticatorAttachment || undefined, response: { clientDataJSON: toB64(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = toB64(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toB64(r.authenticatorData);
      out.response.signature = toB64(r.signature);
      if (r.userHandle) out.response.userHandle = toB64(r.userHandle);
    }
    return out;
  };

  const post = (url, body) => fetch(url, {
    method: "POST", credentials: "same-origin", redirect: "error",
    headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined,
  });

  forms.forEach((form) => {
    const error = form.querySelector("[data-passkey-error]");
    const say = (msg) => { if (error) error.textContent = msg || ""; };
    const supported = !!(window.PublicKeyCredential && navigator.credentials);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!supported) { say(form.dataset.msgUnsupported); return; }
      const button = e.submitter || form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      say("");
      try {
        const begin = await post(form.dataset.begin);
        const opts = await begin.json();
        if (!begin.ok) { say(opts.error); return; }
        let cred;
        try {
          cred = form.dataset.passkey === "register"
            ? await navigator.credentials.create(creationOptions(opts))
            : await navigator.credentials.get(requestOptions(opts));
        } catch (err) {
          say(form.dataset.msgCancelled);
          return;
        }
        const name = form.querySelector("input[name=name]");
        const fin = await post(form.dataset.finish, { name: name ? name.value : "", credential: credentialJSON(cred) });
        const res = await fin.json();
        if (!fin.ok) { say(res.error); return; }
        window.location.assign(res.redirect || "/");
      } catch (err) {
        say(form.dataset.msgFailed);
      } finally {
        if (button) button.disabled = false;
      }
    });
  });
})();
