// careid's passkey calls (WebAuthn), the only script the hosted pages run.
// A page marks a panel with data-passkey="sign-in" | "confirm" | "register" and
// the URLs to ask for options and to send the answer; the server sends WebAuthn
// options with base64url binary fields, and gets the answer back the same way.
// Without this script the panels stay hidden (sign-in) or say that JavaScript is
// needed, and the password and SMS forms work as before.
(function () {
  "use strict";

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes.buffer;
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: fromBase64url(c.id) });
    });
  }

  function creationOptions(publicKey) {
    return Object.assign({}, publicKey, {
      challenge: fromBase64url(publicKey.challenge),
      user: Object.assign({}, publicKey.user, { id: fromBase64url(publicKey.user.id) }),
      excludeCredentials: withIds(publicKey.excludeCredentials),
    });
  }

  function requestOptions(publicKey) {
    return Object.assign({}, publicKey, {
      challenge: fromBase64url(publicKey.challenge),
      allowCredentials: withIds(publicKey.allowCredentials),
    });
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toBase64url(response.attestationObject),
        clientDataJSON: toBase64url(response.clientDataJSON),
        transports: response.getTransports ? response.getTransports() : [],
      },
      extensions: credential.getClientExtensionResults(),
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toBase64url(response.authenticatorData),
        clientDataJSON: toBase64url(response.clientDataJSON),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
      },
      extensions: credential.getClientExtensionResults(),
    };
  }

  // A failure the server explained (its JSON `error_description`, maybe a `redirect`).
  function ServerError(body) {
    this.name = "ServerError";
    this.message = body.error_description || "careid could not complete this. Please try again.";
    this.redirect = body.redirect;
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new ServerError(data);
        return data;
      });
    });
  }

  // The page's words, in its language: the layout carries them on #passkey-texts.
  function text(name) {
    var texts = document.getElementById("passkey-texts");
    return texts ? texts.getAttribute("data-" + name) : "";
  }

  function explain(error, startedAt, timeoutMs) {
    if (error instanceof ServerError) return error.message;
    if (error && error.name === "NotAllowedError") {
      // Browsers give one error for "cancelled" and "timed out"; the clock tells them apart.
      if (timeoutMs && Date.now() - startedAt >= timeoutMs - 1000) return text("timed-out");
      return text("cancelled");
    }
    if (error && error.name === "InvalidStateError") return text("already");
    if (error && (error.name === "NotSupportedError" || error.name === "SecurityError")) {
      return text("unsupported");
    }
    if (error instanceof TypeError) return text("unreachable");
    return text("failed");
  }

  function setup(panel) {
    var kind = panel.getAttribute("data-passkey");
    var message = panel.querySelector("[data-passkey-message]");
    var button = panel.querySelector("[data-passkey-start]");
    var nameInput = panel.querySelector("[data-passkey-name]");
    var fallbackHref = panel.getAttribute("data-fallback-href");
    var fallbackText = panel.getAttribute("data-fallback-text");
    var base = { csrf: panel.getAttribute("data-csrf") };
    var tx = panel.getAttribute("data-tx");
    if (tx) base.tx = tx;
    var pending = null;

    function say(text) {
      message.textContent = text + " ";
      if (fallbackHref && fallbackText) {
        var link = document.createElement("a");
        link.href = fallbackHref;
        link.id = "passkey-fallback";
        link.textContent = fallbackText;
        message.appendChild(link);
      }
      message.hidden = false;
    }

    function ceremony(mediation) {
      var startedAt = Date.now();
      var timeoutMs = 0;
      var controller = new AbortController();
      pending = controller;
      return postJSON(panel.getAttribute("data-options-url"), base)
        .then(function (challenge) {
          timeoutMs = challenge.publicKey.timeout || 0;
          startedAt = Date.now();
          if (kind === "register") {
            return navigator.credentials
              .create({ publicKey: creationOptions(challenge.publicKey), signal: controller.signal })
              .then(function (credential) { return [challenge, registrationJSON(credential)]; });
          }
          var request = { publicKey: requestOptions(challenge.publicKey), signal: controller.signal };
          if (mediation) request.mediation = mediation;
          return navigator.credentials.get(request).then(function (credential) {
            return [challenge, assertionJSON(credential)];
          });
        })
        .then(function (answered) {
          var body = Object.assign({ ceremony: answered[0].ceremony, credential: answered[1] }, base);
          if (nameInput) body.name = nameInput.value;
          return postJSON(panel.getAttribute("data-finish-url"), body);
        })
        .then(function (done) {
          window.location.assign(done.redirect);
        })
        .catch(function (error) {
          if (error && error.redirect) return window.location.assign(error.redirect);
          // An autofill request aborted for the button, or one the person never used.
          if (controller.signal.aborted || (mediation && error && error.name === "NotAllowedError")) return;
          say(explain(error, startedAt, timeoutMs));
        });
    }

    button.addEventListener("click", function () {
      if (pending) pending.abort();
      message.hidden = true;
      ceremony(null);
    });
    panel.hidden = false;

    if (kind === "register" && PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable) {
      PublicKeyCredential.isUserVerifyingPlatformAuthenticatorAvailable().then(function (available) {
        if (!available) {
          say(text("no-platform"));
        }
      });
    }
    // Passkey autofill: the email field offers passkeys as the person focuses it.
    if (panel.getAttribute("data-autofill") === "true" && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available && !pending) ceremony("conditional");
      });
    }
  }

  var panels = document.querySelectorAll("[data-passkey]");
  for (var i = 0; i < panels.length; i++) {
    if (window.PublicKeyCredential && navigator.credentials) {
      setup(panels[i]);
    } else {
      var note = panels[i].querySelector("[data-passkey-unsupported]");
      if (note) note.hidden = false;
    }
  }
})();
