// A day's work without friction (issue 17:1): nothing typed is lost.
//
// 1. The session's end. The page asks the server how long the session lives unless used
//    (GET /session/left, which does not use it), counts down, asks again shortly before the
//    end (another tab may have used the session), and two minutes ahead opens a modal dialog
//    with "stay signed in" (POST /session/keep). When the session has ended the dialog says so
//    and offers the login, which returns to this page.
// 2. Drafts. A form with a text area keeps a draft on the server a moment after each change
//    (POST /drafts), marked with a hidden lots_draft field; the server deletes the draft when
//    the form is sent, and keeps the form itself as the draft when it arrives after the session
//    ended. On the next visit the page puts the draft back and says so, with a button to
//    discard it.

// Confirmation of destructive steps (issue 17:3): a form with data-confirm asks in a modal
// dialog before it is sent. Focus starts on "Cancel"; the other button, named like the form's
// own, sends it; Escape or "Cancel" returns focus to the form's button.
(() => {
  const dialog = document.getElementById("confirm-dialog");
  if (!dialog) return;
  const yes = dialog.querySelector("[data-confirm-yes]");
  const no = dialog.querySelector("[data-confirm-cancel]");
  let pending = null;
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (e) => {
      if (form.dataset.confirmed === "yes") return;
      e.preventDefault();
      pending = { form, submitter: e.submitter };
      dialog.querySelector("#confirm-dialog-text").textContent = form.dataset.confirm;
      const label = e.submitter ? e.submitter.textContent.trim() : "OK";
      yes.textContent = label;
      dialog.showModal();
      no.focus();
    });
  });
  no.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    if (pending && pending.submitter && !pending.sent) pending.submitter.focus();
  });
  yes.addEventListener("click", () => {
    if (!pending) return;
    pending.sent = true;
    pending.form.dataset.confirmed = "yes";
    dialog.close();
    pending.form.requestSubmit(pending.submitter || undefined);
  });
})();

(() => {
  const dialog = document.getElementById("session-warning");
  if (!dialog) return; // not signed in

  const warnMs = 120 * 1000;
  // A redirect (to the login page) is an answer of its own, not followed: it means "not saved".
  const post = (url, fields) =>
    fetch(url, { method: "POST", credentials: "same-origin", redirect: "manual", body: new URLSearchParams(fields) });
  // lastEdited is the draft form changed last and not yet saved; finalSave sends it once the
  // session has ended (the first request after the end is kept as the user's draft).
  let lastEdited = null;

  // ---- the session's end -------------------------------------------------------------------
  let ended = false;
  let asking = false;
  let askedAt = 0;
  const keep = dialog.querySelector("[data-session-keep]");
  const loginLink = dialog.querySelector("[data-session-login]");

  // ends is kept on the dialog (milliseconds of the browser's clock), where it can be read.
  const setLeft = (seconds) => {
    dialog.dataset.ends = String(Date.now() + seconds * 1000);
  };
  const open = () => {
    if (!dialog.open) dialog.showModal();
  };
  const showEnded = () => {
    if (!ended && lastEdited) lastEdited();
    ended = true;
    dialog.querySelector("#session-warning-title").textContent = dialog.dataset.titleEnded;
    dialog.querySelector("#session-warning-text").textContent = dialog.dataset.textEnded;
    keep.hidden = true;
    loginLink.hidden = false;
    open();
    loginLink.focus();
  };
  const ask = async () => {
    asking = true;
    askedAt = Date.now();
    try {
      const res = await fetch("/session/left", { credentials: "same-origin" });
      const body = await res.json();
      if (!res.ok || body.left <= 0) {
        showEnded();
        return;
      }
      setLeft(body.left);
      if (body.left * 1000 <= warnMs) {
        open();
      } else if (dialog.open) {
        dialog.close(); // used in another tab
      }
    } catch (e) {
      // offline for a moment: ask again at the next tick
    } finally {
      asking = false;
    }
  };
  keep.addEventListener("click", async () => {
    try {
      const res = await post("/session/keep", {});
      const body = await res.json();
      if (!res.ok) {
        showEnded();
        return;
      }
      setLeft(body.left);
      dialog.close();
    } catch (e) {
      // the next tick asks again
    }
  });
  setInterval(() => {
    if (ended || asking) return;
    const left = Number(dialog.dataset.ends || 0) - Date.now();
    // Shortly before the warning, and every 10 seconds while it shows, ask the server.
    if (left <= warnMs + 5000 && Date.now() - askedAt >= (dialog.open ? 10000 : 1000)) ask();
    if (left <= 0 && Date.now() - askedAt >= 1000) ask();
  }, 1000);
  ask();

  // ---- drafts --------------------------------------------------------------------------------
  const skip = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);
  const fieldsOf = (form) => {
    const out = [];
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.name === "lots_draft" || skip.has(el.type)) continue;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
      if (el.type === "select-multiple") {
        for (const o of el.selectedOptions) out.push([el.name, o.value]);
        continue;
      }
      out.push([el.name, el.value]);
    }
    return out;
  };
  const restore = (form, fields) => {
    // A folded editor (the action plan's) opens to show the text put back.
    const fold = form.closest("details");
    if (fold) fold.open = true;
    const values = new Map();
    for (const [name, value] of fields) {
      if (!values.has(name)) values.set(name, []);
      values.get(name).push(value);
    }
    const taken = new Map();
    for (const el of form.elements) {
      if (!el.name || skip.has(el.type) || el.name === "lots_draft") continue;
      const vs = values.get(el.name);
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!vs && vs.includes(el.value);
      } else if (el.type === "select-multiple") {
        for (const o of el.options) o.selected = !!vs && vs.includes(o.value);
      } else if (vs) {
        const i = taken.get(el.name) || 0;
        if (i < vs.length) el.value = vs[i];
        taken.set(el.name, i + 1);
      }
    }
  };
  const notice = (form, text) => {
    const p = document.createElement("p");
    p.className = "draft-notice";
    p.setAttribute("role", "status");
    const span = document.createElement("span");
    span.textContent = text + " ";
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link-button";
    b.textContent = dialog.dataset.restoredDiscard;
    b.addEventListener("click", async () => {
      await post("/drafts/discard", { form: form.dataset.draft });
      form.reset();
      span.textContent = dialog.dataset.discarded;
      b.remove();
    });
    p.append(span, b);
    form.prepend(p);
  };

  // A form whose address several forms of the page share (the case's moves) is ambiguous as
  // a draft: it keeps none.
  const actions = new Map();
  document.querySelectorAll("form").forEach((form) => {
    const key = new URL(form.action, location.href).pathname;
    actions.set(key, (actions.get(key) || 0) + 1);
  });
  const seen = new Set();
  document.querySelectorAll("form").forEach((form) => {
    if ((form.method || "").toLowerCase() !== "post" || form.enctype === "multipart/form-data") return;
    if (form.hasAttribute("data-no-draft") || !form.querySelector("textarea")) return;
    const key = new URL(form.action, location.href).pathname;
    if (seen.has(key) || actions.get(key) > 1) return;
    seen.add(key);
    form.dataset.draft = key;
    const mark = document.createElement("input");
    mark.type = "hidden";
    mark.name = "lots_draft";
    mark.value = "1";
    form.append(mark);

    let timer = 0;
    const save = () => {
      clearTimeout(timer);
      timer = 0;
      if (lastEdited === save) lastEdited = null;
      return post("/drafts", { form: key, content: JSON.stringify({ fields: fieldsOf(form) }) })
        .then((res) => {
          form.dataset.draftSaved = res.ok ? "yes" : "no";
          if (!res.ok && !ended) ask(); // the session may have ended: say so
        })
        .catch(() => {
          form.dataset.draftSaved = "no";
        });
    };
    const changed = () => {
      form.dataset.draftSaved = "pending";
      lastEdited = save;
      clearTimeout(timer);
      if (!ended) timer = setTimeout(save, 800);
    };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    fetch("/drafts?form=" + encodeURIComponent(key), { credentials: "same-origin" })
      .then((res) => (res.status === 200 ? res.json() : null))
      .then((d) => {
        if (!d) return;
        restore(form, d.fields || []);
        notice(form, d.notice);
        form.dataset.draftRestored = "yes";
      })
      .catch(() => {});
  });
})();
