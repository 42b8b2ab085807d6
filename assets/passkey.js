// Passkeys (WebAuthn) on the pages that offer them: the sign-in page, the code step after the
// password, adding one in Profiel, and the offer to employees. Each offer is an element with
// data-passkey ("get", "create" or "offer") and data-rp-id, hidden until this script finds a
// browser that can use passkeys on this very host; without it the pages work as before.
(function () {
  "use strict";

  function bytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out.buffer;
  }

  function text(buffer) {
    var view = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < view.length; i += 1) { raw += String.fromCharCode(view[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // The server sends the options as JSON (WebAuthn Level 3); browsers without the parse
  // functions get the binary fields turned into buffers here.
  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = bytes(json.challenge);
    options.user = Object.assign({}, json.user, { id: bytes(json.user.id) });
    options.excludeCredentials = (json.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: bytes(c.id) });
    });
    return options;
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    var options = Object.assign({}, json);
    options.challenge = bytes(json.challenge);
    options.allowCredentials = (json.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: bytes(c.id) });
    });
    return options;
  }

  function answer(credential) {
    if (credential.toJSON) { return credential.toJSON(); }
    var r = credential.response;
    var response = { clientDataJSON: text(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      response.userHandle = r.userHandle ? text(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response: response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function canPasskey() {
    return !!(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);
  }

  // Whether this page is at the portal's own address (passkeys belong to its host name).
  function atHome(element) {
    var host;
    try { host = new URL(element.dataset.rpOrigin).hostname; } catch (e) { return false; }
    var here = window.location.hostname;
    return here === host || here.slice(-(host.length + 1)) === "." + host;
  }

  function usableHere(element) {
    return canPasskey() && atHome(element);
  }

  function fetchOptions(url, form) {
    var body = new URLSearchParams();
    body.set("csrf", form.elements.csrf.value);
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: body.toString()
    }).then(function (response) {
      if (!response.ok) { throw new Error("options " + response.status); }
      return response.json();
    });
  }

  function start(element) {
    var form = element.querySelector("form");
    var button = element.querySelector("button");
    var failed = element.querySelector("[data-passkey-failed]");
    button.addEventListener("click", function () {
      failed.textContent = "";
      failed.hidden = true;
      button.disabled = true;
      var made;
      if (element.dataset.passkey === "create" && element.dataset.options) {
        made = navigator.credentials.create({
          publicKey: creationOptions(JSON.parse(element.dataset.options))
        });
      } else if (element.dataset.passkey === "create") {
        made = fetchOptions(element.dataset.optionsUrl, form).then(function (json) {
          return navigator.credentials.create({ publicKey: creationOptions(json) });
        });
      } else {
        made = fetchOptions(element.dataset.optionsUrl, form).then(function (json) {
          return navigator.credentials.get({ publicKey: requestOptions(json) });
        });
      }
      made.then(function (credential) {
        form.elements.credential.value = JSON.stringify(answer(credential));
        form.submit();
      }).catch(function () {
        button.disabled = false;
        failed.textContent = failed.dataset.passkeyFailed;
        failed.hidden = false;
      });
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(function (element) {
    if (!usableHere(element)) { return; }
    element.hidden = false;
    if (element.dataset.passkey !== "offer") { start(element); }
  });
  document.querySelectorAll("[data-passkey-section]").forEach(function (section) {
    section.hidden = !usableHere(section);
  });
  // Reached at another address than the portal's own: say where passkeys work, on this page.
  document.querySelectorAll("[data-passkey-elsewhere]").forEach(function (note) {
    if (!canPasskey() || atHome(note)) { return; }
    var link = note.querySelector("a");
    var there = new URL(window.location.pathname + window.location.search, note.dataset.rpOrigin);
    link.href = there.href;
    link.textContent = there.origin;
    note.hidden = false;
  });
  // A browser that cannot use passkeys at all.
  document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
    note.hidden = canPasskey();
  });
}());
