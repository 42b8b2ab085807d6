// The portal's service worker. It keeps the static files under /assets/ (styles, scripts,
// icons; their addresses change with their content) so the app starts quickly. Pages,
// documents and everything else always come from the network and are never stored here:
// they carry personal data.
"use strict";
var CACHE = "loondossier-assets-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key !== CACHE; })
        .map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin ||
      url.pathname.indexOf("/assets/") !== 0 || url.pathname.indexOf("/assets/missing/") === 0) {
    return; // the browser fetches it as usual; nothing is stored
  }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(event.request).then(function (hit) {
      if (hit) { return hit; }
      return fetch(event.request).then(function (response) {
        if (response.ok) { cache.put(event.request, response.clone()); }
        return response;
      });
    });
  }));
});
