// Shows a strength hint under new-password fields while typing. Progressive enhancement:
// the forms work without it, and the server checks every password again on submit.
(function () {
  "use strict";
  var english = document.documentElement.lang === "en";
  var labels = english
    ? ["very weak", "weak", "fair", "strong", "very strong"]
    : ["zeer zwak", "zwak", "redelijk", "sterk", "zeer sterk"];
  var prefix = english ? "Strength: " : "Sterkte: ";
  var advice = english
    ? " — choose a longer or less obvious password"
    : " — kies een langer of minder voor de hand liggend wachtwoord";
  document.querySelectorAll('input[autocomplete="new-password"][name="password"]').forEach(function (input) {
    var hint = document.createElement("p");
    hint.className = "strength";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value) { hint.textContent = ""; hint.dataset.score = ""; return; }
      timer = setTimeout(function () {
        var body = new URLSearchParams({ password: input.value });
        fetch("/wachtwoord-sterkte", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (r) {
            if (!r) { return; }
            hint.dataset.score = String(r.score);
            hint.textContent = prefix + labels[r.score] + (r.acceptable ? "" : advice);
          })
          .catch(function () { hint.textContent = ""; });
      }, 250);
    });
  });
})();
