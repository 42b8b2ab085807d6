// Progressive enhancements for the portal's pages. Every action works without this file;
// with it, lists filter while typing, files can be dropped on the upload form, and the
// portal installs as an app whose service worker keeps only the static files.
(function () {
  "use strict";
  var english = document.documentElement.lang === "en";

  // Instant filtering: a search box with data-filter="ID" hides the rows of the table in
  // element ID that do not contain what is typed. The search button still asks the server.
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var scope = document.getElementById(input.dataset.filter);
    if (!scope) { return; }
    var rows = Array.prototype.slice.call(scope.querySelectorAll("tbody tr"));
    var status = document.createElement("p");
    status.className = "filter-status visually-hidden";
    status.id = input.id + "-status";
    status.setAttribute("role", "status");
    input.form.insertAdjacentElement("afterend", status);
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var match = !wanted || row.textContent.toLowerCase().indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      status.textContent = wanted
        ? (english ? shown + " of " + rows.length + " shown" : shown + " van " + rows.length + " zichtbaar")
        : "";
    });
  });

  // Drag and drop: files dropped on the upload area go into its file field.
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    var hint = document.createElement("p");
    hint.className = "drop-hint";
    hint.textContent = zone.dataset.dropText || "";
    zone.appendChild(hint);
    var list = document.createElement("ul");
    list.className = "drop-files";
    list.setAttribute("aria-live", "polite");
    zone.appendChild(list);
    function showChosen() {
      list.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        item.textContent = file.name;
        list.appendChild(item);
      });
    }
    input.addEventListener("change", showChosen);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        showChosen();
      }
    });
  });

  // Installable app: the service worker caches /assets/ only (see /sw.js).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* works without */ });
  }
})();
