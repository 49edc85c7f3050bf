// servicedesk service worker: the engineers' phone pages offline (issue 16, docs/onsite.md).
//
// Served as /sw.js by onsite/pwa.py, which puts self.SERVICEDESK_SW in front of this file:
// { version, assets (static URLs as the storage names them), staticPrefix, pages: [mine, orders
// prefix], loginPath }.
//
// - Navigations to "My visits" and to an order page: network first, the last copy when offline.
//   Only a page that came back 200 without a redirect is kept (never the login page), keyed
//   without its query string (?saved=...), in a cache of the signed-in user.
// - "My visits" posts today's order URLs ({type: "precache", user, urls}); they are fetched and
//   kept, so today's orders open without a connection. Each answer tells the page ("precached").
// - Static assets: cache first, in a cache named after the version (a deployment drops the old).
// - POSTs are never cached nor answered here: the page's offline queue (static/js/offline.js)
//   keeps what the engineer sends while offline.
// - {type: "hello", user} from a page of another user, {type: "logout"}, or a navigation that
//   ends on the login page: the kept pages are deleted.
/* global self, caches, clients, fetch, Response, URL */
"use strict";

var CONFIG = self.SERVICEDESK_SW || { version: "dev", assets: [], staticPrefix: "/static/", pages: ["/onsite/mine/", "/onsite/orders/"], loginPath: "/accounts/login/" };
var STATIC_CACHE = "servicedesk-static-" + CONFIG.version;
var PAGES_CACHE = "servicedesk-pages";
var USER_KEY = "/__servicedesk-user__";

function isPage(pathname) {
  if (pathname === CONFIG.pages[0]) { return true; }
  var prefix = CONFIG.pages[1];
  return pathname.indexOf(prefix) === 0 && /^\d+\/$/.test(pathname.slice(prefix.length));
}

function pageKey(url) {
  var u = new URL(url, self.location.origin);
  return u.origin + u.pathname;
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then(function (cache) { return cache.addAll(CONFIG.assets); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("servicedesk-static-") === 0 && name !== STATIC_CACHE;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function forgetPages() { return caches.delete(PAGES_CACHE); }

function currentUser() {
  return caches.open(PAGES_CACHE)
    .then(function (cache) { return cache.match(USER_KEY); })
    .then(function (response) { return response ? response.text() : ""; });
}

// The kept pages belong to one user: another user's hello starts them afresh.
function setUser(user) {
  user = String(user || "");
  return currentUser().then(function (known) {
    if (known === user) { return null; }
    return forgetPages()
      .then(function () { return caches.open(PAGES_CACHE); })
      .then(function (cache) { return cache.put(USER_KEY, new Response(user)); });
  });
}

function keep(response, url) {
  // A page for the phone: 200, not the login page (redirected), same origin.
  if (!response || response.status !== 200 || response.redirected || response.type !== "basic") { return Promise.resolve(false); }
  var copy = response.clone();
  return caches.open(PAGES_CACHE).then(function (cache) { return cache.put(pageKey(url), copy); }).then(function () { return true; });
}

function loggedOut(response) {
  return response && response.redirected && new URL(response.url).pathname === CONFIG.loginPath;
}

function offlinePage() {
  var html = "<!DOCTYPE html><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\">" +
    "<title>Offline · 离线</title><body style=\"font-family:system-ui;padding:1rem\"><h1>Offline · 离线</h1>" +
    "<p>This page is not saved on this phone. Open \u201cMy visits\u201d while you have signal to keep today's orders.</p>" +
    "<p>此页面未保存在手机上。请在有网络时打开\u201c我的上门\u201d以保存今天的工单。</p>" +
    "<p><a href=\"" + CONFIG.pages[0] + "\">My visits · 我的上门</a></p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function networkFirst(request) {
  return fetch(request)
    .then(function (response) {
      if (loggedOut(response)) { return forgetPages().then(function () { return response; }); }
      return keep(response, request.url).then(function () { return response; });
    })
    .catch(function () {
      return caches.open(PAGES_CACHE)
        .then(function (cache) { return cache.match(pageKey(request.url)); })
        .then(function (cached) { return cached || offlinePage(); });
    });
}

function cacheFirst(request) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(request).then(function (cached) {
      if (cached) { return cached; }
      return fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; } // POSTs go to the network as they are
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && isPage(url.pathname)) { event.respondWith(networkFirst(request)); return; }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) { event.respondWith(cacheFirst(request)); }
});

function precache(urls) {
  return Promise.all(urls.filter(function (url) { return isPage(new URL(url, self.location.origin).pathname); }).map(function (url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return keep(response, url); })
      .catch(function () { return false; });
  }));
}

function tell(source, message) { if (source && source.postMessage) { source.postMessage(message); } }

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var source = event.source;
  if (data.type === "hello") {
    event.waitUntil(setUser(data.user));
  } else if (data.type === "precache") {
    event.waitUntil(setUser(data.user).then(function () { return precache(data.urls || []); }).then(function (kept) {
      tell(source, { type: "precached", count: kept.filter(Boolean).length });
    }));
  } else if (data.type === "logout") {
    event.waitUntil(forgetPages().then(function () { tell(source, { type: "forgotten" }); }));
  }
});
