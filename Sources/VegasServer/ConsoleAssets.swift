/// The console's stylesheet and script, served from the binary (no CDN, no web fonts: the console works offline).
enum ConsoleAssets {
    static let css = """
        :root { --ink:#16191f; --muted:#5f6b7a; --line:#d5dbdb; --accent:#0972d3; --bg:#f2f3f3; --danger:#d13212; --ok:#037f0c; }
        * { box-sizing: border-box; }
        body { margin:0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--ink); background:var(--bg); }
        .bar { display:flex; align-items:center; gap:1rem; padding:.6rem 1.2rem; background:#232f3e; color:#fff; }
        .bar .brand { color:#fff; text-decoration:none; font-weight:700; font-size:1.1rem; }
        .bar .brand span { font-weight:400; opacity:.8; }
        .bar .who { margin-left:auto; opacity:.9; font-size:.9rem; }
        .bar .link { color:#fff; }
        main { max-width:980px; margin:1.5rem auto; padding:0 1rem; }
        h1 { font-size:1.5rem; margin:.2rem 0 1rem; } h2 { font-size:1.15rem; margin:0; }
        .card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:1.2rem 1.4rem; margin-bottom:1.2rem; }
        .narrow { max-width:460px; margin-left:auto; margin-right:auto; }
        .narrow-form form { max-width:420px; }
        .heading { display:flex; align-items:center; justify-content:space-between; gap:1rem; margin-bottom:.6rem; }
        label { display:block; margin:.7rem 0; font-weight:600; }
        label input:not([type=radio]) { display:block; width:100%; margin-top:.25rem; padding:.5rem .6rem; font:inherit; border:1px solid #8d99a8; border-radius:4px; }
        fieldset.choice { border:0; padding:0; margin:.8rem 0; } fieldset.choice legend { font-weight:600; }
        fieldset.choice label { font-weight:400; }
        label.device { border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem; }
        label.device strong { margin-right:.4rem; } label.device .muted { display:block; margin-left:1.6rem; font-size:.9rem; }
        button, .button { display:inline-block; padding:.5rem 1.1rem; font:inherit; font-weight:600; color:#fff; background:var(--accent); border:0; border-radius:20px; cursor:pointer; text-decoration:none; }
        button[disabled] { background:#9ba7b6; cursor:not-allowed; }
        button.link { background:none; color:var(--accent); padding:0; font-weight:400; text-decoration:underline; border-radius:0; }
        button.link.danger { color:var(--danger); }
        form.inline { display:inline; }
        button + a, .button + a { margin-left:.8rem; }
        form:has(#kind-root:checked) .user-only { display:none; }
        #mfa-devices td:first-child, #mfa-devices td:nth-child(4) { white-space:nowrap; }
        .hint, .muted { color:var(--muted); font-weight:400; font-size:.9rem; }
        .notice { background:#f2fcf3; border:1px solid var(--ok); padding:.6rem .9rem; border-radius:6px; }
        .error { background:#fff7f7; border:1px solid var(--danger); color:var(--danger); padding:.6rem .9rem; border-radius:6px; }
        main:has(> .narrow) > .error, main:has(> .narrow) > .notice { max-width:460px; margin:0 auto 1rem; }
        .warning { background:#fffce6; border:1px solid #8d6605; padding:.6rem .9rem; border-radius:6px; }
        table { width:100%; border-collapse:collapse; } th, td { text-align:left; padding:.45rem .4rem; border-bottom:1px solid var(--line); vertical-align:top; }
        th { font-size:.85rem; color:var(--muted); }
        .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size:.85rem; word-break:break-all; }
        .secret { background:var(--bg); padding:.4rem .6rem; border-radius:4px; }
        .badge { font-size:.75rem; padding:.05rem .45rem; border-radius:10px; color:#fff; }
        .badge.danger { background:var(--danger); }
        dl.facts { display:grid; grid-template-columns: max-content 1fr; gap:.3rem 1rem; margin:0; } dl.facts dt { color:var(--muted); }
        ol.steps > li { margin-bottom:1.2rem; } ol.steps form { max-width:420px; } .qr img { image-rendering: pixelated; border:1px solid var(--line); margin:.6rem 0; }
        details summary { cursor:pointer; color:var(--accent); }
        .status { min-height:1.4em; }
        """

    /// Runs WebAuthn ceremonies for elements marked `.webauthn`: fetches the options (JSON) from the server, asks the
    /// browser, posts `credential.toJSON()` back and follows the redirect it answers with.
    static let javascript = """
        "use strict";
        (function () {
          const csrf = () => document.querySelector('meta[name="csrf-token"]').content;
          async function post(url, body) {
            const response = await fetch(url, { method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() }, body: JSON.stringify(body || {}) });
            const answer = await response.json().catch(() => ({ error: "The server answered " + response.status + "." }));
            if (!response.ok && !answer.error) answer.error = "The server answered " + response.status + ".";
            return answer;
          }
          async function run(box, button, status) {
            button.disabled = true;
            status.className = "status muted";
            status.textContent = "Waiting for your security key…";
            try {
              const options = await post(box.dataset.options, box.dataset.name ? { name: box.dataset.name } : {});
              if (options.error) throw new Error(options.error);
              if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
                throw new Error("This browser does not support security keys (WebAuthn).");
              }
              const credential = box.dataset.ceremony === "create"
                ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
                : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
              status.textContent = "Checking…";
              const result = await post(box.dataset.verify, credential.toJSON());
              if (result.error) throw new Error(result.error);
              window.location.assign(result.redirect);
            } catch (error) {
              const message = error.name === "NotAllowedError"
                ? "The security key was not used: the request timed out or was cancelled. Try again."
                : error.name === "InvalidStateError"
                  ? "This security key is already registered."
                  : error.message;
              status.textContent = message;
              status.className = "status error";
              status.id = "webauthn-status";
              button.disabled = false;
            }
          }
          document.addEventListener("DOMContentLoaded", () => {
            for (const box of document.querySelectorAll(".webauthn")) {
              const button = box.querySelector("button");
              const status = box.querySelector(".status");
              button.addEventListener("click", () => run(box, button, status));
              if (box.dataset.autostart === "true") run(box, button, status);
            }
          });
        })();
        """
}
