// servicedesk offline queue: the engineer's phone keeps working without a connection (issue 16).
//
// Loaded on engineers' pages only (templates/base.html, with the banner #offline-queue).
// - Registers the service worker (/sw.js, static/sw.js) and tells it who is signed in; "My visits"
//   hands it today's order pages to keep, so they open without signal.
// - A <form data-offline="<step>" data-offline-order="<pk>" data-offline-label="..."> sent while
//   offline (navigator.onLine false, or the POST fails with a network error; onsite.js calls
//   servicedeskOffline.queue for the forms it sends itself) is kept in IndexedDB: its URL, the time,
//   the order, the step and every field, files and blobs included. The form's idempotency key goes
//   with it, so sending it twice never stores anything twice (servicedesk/core/idempotency.py).
// - The page moves on locally: the queued form is replaced by a note and the next step of the
//   visit, rendered hidden by the server ([data-offline-step] sections), is shown. A form outside
//   those sections (photos) is emptied for the next use; without data-offline-order the order is
//   taken from the page's URL, without a label the submit button's text is shown.
// - The banner says "N changes waiting to send" on every engineer page.
// - Online again (the "online" event, and on every page load) the queue is sent in order. An
//   entry is dropped when the server saved it (a redirect, or "already saved"). A refusal (the page
//   again with the form's errors, or a 4xx) moves it to the refused list, shown in the banner with
//   the server's message, and holds back the later entries of that order; nothing is dropped
//   silently. A network error, a 5xx or an expired session stops the sending until the next try.
// - Forms with files: window.servicedeskPhotos.prepare(form), when present, may return (a promise
//   of) the FormData to keep, e.g. with the photos made smaller.
(function () {
  "use strict";
  var banner = document.getElementById("offline-queue");
  if (!banner || !window.indexedDB || !window.Promise) { return; }
  var USER = banner.dataset.user || "";
  var DB_NAME = "servicedesk-offline";
  var LOCK = "servicedesk-offline-queue";
  var sending = false;

  function text(name) { return banner.dataset[name] || ""; }

  // --- IndexedDB: "queue" (FIFO by id) and "failed" (refused by the server) ---------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var d = request.result;
          if (!d.objectStoreNames.contains("queue")) { d.createObjectStore("queue", { keyPath: "id", autoIncrement: true }); }
          if (!d.objectStoreNames.contains("failed")) { d.createObjectStore("failed", { keyPath: "id" }); }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function tx(stores, mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(stores, mode);
        var result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = t.onabort = function () { reject(t.error); };
        result = work(t);
        if (result && typeof result.then === "function") { result.then(function (v) { result = v; }); }
      });
    });
  }

  function all(store) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var request = d.transaction(store, "readonly").objectStore(store).getAll();
        request.onsuccess = function () {
          resolve(request.result.filter(function (entry) { return entry.user === USER; }));
        };
        request.onerror = function () { reject(request.error); };
      });
    });
  }

  function put(store, entry) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(store, "readwrite");
        var request = t.objectStore(store).put(entry);
        t.oncomplete = function () { resolve(request.result); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }

  function remove(store, id) {
    return tx([store], "readwrite", function (t) { t.objectStore(store).delete(id); });
  }

  function move(from, to, entry) {
    return tx([from, to], "readwrite", function (t) {
      t.objectStore(from).delete(entry.id);
      t.objectStore(to).put(entry);
    });
  }

  // --- Queuing a form ----------------------------------------------------------------------------
  function randomKey() {
    var bytes = new Uint8Array(24);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function formData(form, submitter) {
    var prepared = window.servicedeskPhotos && typeof window.servicedeskPhotos.prepare === "function"
      ? window.servicedeskPhotos.prepare(form) : null;
    return Promise.resolve(prepared).then(function (data) {
      var body = data instanceof FormData ? data : new FormData(form);
      if (submitter && submitter.name && !body.has(submitter.name)) { body.append(submitter.name, submitter.value); }
      if (!body.get("idempotency_key")) { body.set("idempotency_key", randomKey()); } // every entry has one
      return body;
    });
  }

  function orderOfPage() {
    var match = window.location.pathname.match(/\/orders\/(\d+)\//);
    return match ? match[1] : "";
  }

  function buttonText(form) {
    var button = form.querySelector("button[type=submit], button:not([type])");
    return button ? button.textContent.trim() : "";
  }

  function queue(form, submitter) {
    return formData(form, submitter).then(function (body) {
      var fields = [];
      body.forEach(function (value, name) {
        if (typeof value === "string") { fields.push({ name: name, value: value }); }
        else { fields.push({ name: name, blob: value, filename: value.name || "blob" }); }
      });
      return put("queue", {
        user: USER,
        url: form.action,
        page: window.location.pathname,
        created: new Date().toISOString(),
        order: form.dataset.offlineOrder || orderOfPage(),
        step: form.dataset.offline || "",
        label: form.dataset.offlineLabel || form.dataset.offline || buttonText(form),
        fields: fields
      });
    }).then(function () {
      if (form.dataset.autosave) {
        try { localStorage.removeItem("onsite:" + form.dataset.autosave); } catch (e) { /* storage off */ }
      }
      markQueued(form, true);
      return render();
    });
  }

  // --- The page moves on -------------------------------------------------------------------------
  function reveal(section) {
    if (!section || !section.hidden) { return; }
    section.hidden = false;
    // Forms outside the steps that go with one (the photo upload comes with the work report).
    document.querySelectorAll("[data-offline-reveal-with='" + section.dataset.offlineStep + "']").forEach(function (el) {
      el.hidden = false;
    });
    section.dispatchEvent(new CustomEvent("servicedesk:reveal", { bubbles: true }));
  }

  function markQueued(form, scroll) {
    var section = form.closest("[data-offline-step]");
    if (!section) {
      // A form used again and again (e.g. photos): emptied for the next one, with the note once.
      form.reset();
      if (!form.parentNode.querySelector(".offline-queued[data-offline-queued-form]")) {
        var once = document.createElement("p");
        once.className = "message info offline-queued";
        once.setAttribute("role", "status");
        once.dataset.offlineQueuedForm = "1";
        once.textContent = text("queued");
        form.parentNode.insertBefore(once, form);
      }
      return;
    }
    if (form.dataset.offlineQueued) { return; }
    form.dataset.offlineQueued = "1";
    form.hidden = true;
    var note = document.createElement("p");
    note.className = "message info offline-queued";
    note.setAttribute("role", "status");
    note.dataset.offlineQueuedStep = form.dataset.offline || "";
    note.textContent = text("queued");
    form.parentNode.insertBefore(note, form.nextSibling);
    var open = section.querySelectorAll("form[data-offline]:not([data-offline-queued])");
    if (open.length) { return; } // e.g. the trip record is still to write after the check-out
    var steps = Array.prototype.slice.call(document.querySelectorAll("[data-offline-step]"));
    var next = steps[steps.indexOf(section) + 1];
    if (next && next.hidden) {
      reveal(next);
      if (scroll && next.scrollIntoView) { next.scrollIntoView({ block: "start" }); }
    }
  }

  function applyQueued(entries) {
    entries.forEach(function (entry) {
      var selector = "form[data-offline='" + entry.step + "'][data-offline-order='" + entry.order + "']";
      var form = entry.step && entry.order ? document.querySelector(selector) : null;
      if (form && form.closest("[data-offline-step]")) { markQueued(form, false); }
    });
  }

  // --- The banner --------------------------------------------------------------------------------
  function render() {
    return Promise.all([all("queue"), all("failed")]).then(function (lists) {
      var waiting = lists[0], failed = lists[1];
      applyQueued(waiting);
      var count = banner.querySelector("[data-offline-count]");
      var list = banner.querySelector("[data-offline-failed]");
      count.textContent = !waiting.length ? "" : waiting.length === 1 ? text("waitingOne")
        : text("waitingOther").replace("%(count)s", String(waiting.length));
      count.hidden = !waiting.length;
      banner.dataset.waiting = String(waiting.length);
      banner.dataset.failed = String(failed.length);
      list.textContent = "";
      failed.forEach(function (entry) {
        var item = document.createElement("li");
        var what = document.createElement("strong");
        what.textContent = entry.label + " · " + new Date(entry.created).toLocaleString();
        var why = document.createElement("span");
        why.className = "offline-reason";
        why.textContent = " " + text("refused") + " " + (entry.message || "");
        item.appendChild(what);
        item.appendChild(why);
        var actions = document.createElement("span");
        actions.className = "offline-actions";
        var open = document.createElement("a");
        open.href = entry.page || "#";
        open.textContent = text("open");
        var retry = document.createElement("button");
        retry.type = "button";
        retry.className = "link";
        retry.textContent = text("retry");
        retry.addEventListener("click", function () { move("failed", "queue", entry).then(render).then(replay); });
        var drop = document.createElement("button");
        drop.type = "button";
        drop.className = "link";
        drop.textContent = text("discard");
        drop.addEventListener("click", function () {
          if (window.confirm(text("discardConfirm"))) { remove("failed", entry.id).then(render).then(replay); }
        });
        actions.appendChild(open);
        actions.appendChild(retry);
        actions.appendChild(drop);
        item.appendChild(actions);
        list.appendChild(item);
      });
      banner.classList.toggle("has-failed", failed.length > 0);
      banner.hidden = !waiting.length && !failed.length && !banner.dataset.note;
    });
  }

  function say(message) {
    var box = banner.querySelector("[data-offline-note]");
    banner.dataset.note = message ? "1" : "";
    box.textContent = message || "";
    box.hidden = !message;
    banner.hidden = banner.hidden && !message;
  }

  // --- Sending the queue -------------------------------------------------------------------------
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function refusalIn(html, url) {
    // The server's page with the form as typed: its errors are the reason (nothing saved).
    var page = new DOMParser().parseFromString(html, "text/html");
    var path = new URL(url, window.location.href).pathname;
    var forms = Array.prototype.filter.call(page.querySelectorAll("form"), function (f) {
      return new URL(f.getAttribute("action") || "", window.location.href).pathname === path;
    });
    var texts = [];
    forms.forEach(function (f) {
      f.querySelectorAll(".errorlist li, .field-error, .message.error, .blockers").forEach(function (el) {
        var t = el.textContent.trim();
        if (t && texts.indexOf(t) < 0) { texts.push(t); }
      });
    });
    if (!texts.length) {
      page.querySelectorAll("#main .messages .message.error").forEach(function (el) { texts.push(el.textContent.trim()); });
    }
    return texts.join(" ");
  }

  function bodyText(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.querySelector("#main h1, #main .message, h1, title");
    return (main ? main.textContent : page.body ? page.body.textContent : "").trim().slice(0, 300);
  }

  // {sent: true} | {refused: message} | {stop: message}
  function sendEntry(entry) {
    var body = new FormData();
    entry.fields.forEach(function (f) {
      if (f.blob) { body.append(f.name, f.blob, f.filename); } else { body.append(f.name, f.value); }
    });
    var token = cookie("csrftoken");
    if (token) { body.set("csrfmiddlewaretoken", token); } // the session's token now (a new login rotates it)
    return fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": token, "X-Offline-Queued-At": entry.created }
    }).then(function (response) {
      var landed = new URL(response.url || entry.url, window.location.href).pathname;
      if (response.redirected && landed === banner.dataset.login) { return { stop: text("loginAgain") }; }
      if (response.ok && response.redirected) { return { sent: true }; }
      return response.text().then(function (html) {
        if (response.ok) {
          var reason = refusalIn(html, entry.url);
          return reason ? { refused: reason } : { sent: true };
        }
        if (response.status === 403 && /csrf/i.test(html)) { return { stop: text("loginAgain") }; }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          return { refused: bodyText(html) || String(response.status) };
        }
        return { stop: "" }; // 5xx, 408, 429: later
      });
    }, function () { return { stop: "" }; });
  }

  function replayLocked() {
    var sent = [];
    return Promise.all([all("queue"), all("failed")]).then(function (lists) {
      var entries = lists[0].sort(function (a, b) { return a.id - b.id; });
      var held = {};
      lists[1].forEach(function (entry) { held[entry.order] = true; });
      var i = 0;
      function next() {
        if (i >= entries.length) { return null; }
        var entry = entries[i++];
        if (held[entry.order]) { return next(); } // after a refused step of this order: the engineer decides
        return sendEntry(entry).then(function (result) {
          if (result.sent) { sent.push(entry); return remove("queue", entry.id).then(next); }
          if (result.refused !== undefined) {
            held[entry.order] = true;
            entry.message = result.refused;
            return move("queue", "failed", entry).then(next);
          }
          say(result.stop);
          return null;
        });
      }
      return next();
    }).then(function () { return sent; });
  }

  function replay() {
    if (sending || navigator.onLine === false) { return Promise.resolve([]); }
    sending = true;
    var run = navigator.locks && navigator.locks.request
      ? navigator.locks.request(LOCK, replayLocked) // one tab sends at a time
      : replayLocked();
    return run.then(function (sent) {
      sending = false;
      return render().then(function () {
        if (!sent.length) { return sent; }
        if (banner.dataset.waiting === "0") { say(text("sent")); }
        // Show the server's state of what was just sent (typed drafts are kept by onsite.js).
        var here = window.location.pathname;
        if (sent.some(function (e) { return e.page === here; }) && banner.dataset.waiting === "0") { window.location.reload(); }
        return sent;
      });
    }, function () { sending = false; return []; });
  }

  // --- Service worker ----------------------------------------------------------------------------
  function worker(message) {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage(message); }
    });
  }

  function precacheHere() {
    var urls = [window.location.pathname];
    document.querySelectorAll("[data-offline-precache] a[data-offline-page]").forEach(function (a) {
      urls.push(new URL(a.href, window.location.href).pathname);
    });
    worker({ type: "precache", user: USER, urls: urls });
  }

  if ("serviceWorker" in navigator && banner.dataset.worker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "precached") { document.documentElement.dataset.offlineReady = String(event.data.count); }
    });
    navigator.serviceWorker.register(banner.dataset.worker, { scope: "/" }).then(function () {
      if (navigator.onLine !== false) { precacheHere(); } else { worker({ type: "hello", user: USER }); }
    }, function () { /* no worker (e.g. plain http): the queue still works */ });
  }

  // --- Events ------------------------------------------------------------------------------------
  // Forms that onsite.js does not send itself (no data-autosave), e.g. the photo upload: offline,
  // they are queued instead of leaving the page for a browser error.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[action='" + banner.dataset.logout + "']")) {
      worker({ type: "logout" }); // the pages kept on the phone go with the session
      return;
    }
    if (!form.dataset || form.dataset.offline === undefined || form.dataset.autosave) { return; }
    if (navigator.onLine !== false) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    queue(form, event.submitter);
  }, true);

  window.addEventListener("online", function () { say(""); replay(); });
  window.addEventListener("offline", function () { say(text("offline")); });
  document.addEventListener("servicedesk:swapped", function () { render(); if (navigator.onLine !== false) { precacheHere(); } });

  window.servicedeskOffline = { queue: queue, replay: replay, render: render };

  function start() {
    if (navigator.onLine === false) {
      say(text("offline"));
      // A copy kept on the phone: its messages ("Checked in.") are from when it was kept.
      document.querySelectorAll("#main > .messages").forEach(function (el) { el.remove(); });
    }
    render().then(replay);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
