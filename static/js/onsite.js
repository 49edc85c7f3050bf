// servicedesk on-site: the field engineer's phone (templates/onsite/*).
//
// - Forms marked data-autosave="order-<id>-<step>" keep every field in localStorage while the
//   engineer types, and get it back after a reload, a crash or a lost connection. The server's
//   redirect after a successful save carries ?saved=<key>: only then is the stored copy forgotten.
// - Those forms are sent in the background: a submit that fails because the network is down leaves
//   the page as it is and says so; a refused submit shows the server's page with the form as typed.
// - [data-signature]: the customer signs on a canvas (finger, pen or mouse); the drawing goes into
//   a hidden field as a PNG data URL.
// - Forms marked data-geo add the phone's position (check-in, check-out) when the browser allows it.
// - Forms also marked data-offline go to the offline queue (static/js/offline.js) instead when the
//   phone is offline or the POST fails with a network error (issue 16).
// Without JavaScript every form still works as a plain form.
(function () {
  "use strict";
  var PREFIX = "onsite:";

  function text(name) {
    var texts = document.getElementById("onsite-texts");
    return (texts && texts.dataset[name]) || "";
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && ["submit", "button", "file"].indexOf(el.type) < 0;
    });
  }

  function storageKey(form) { return PREFIX + form.dataset.autosave; }

  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.dataset.fresh !== undefined) { return; } // e.g. positions: always taken anew
      if (el.type === "checkbox") { data[el.name] = el.checked; }
      else if (el.type === "radio") { if (el.checked) { data[el.name] = el.value; } }
      else { data[el.name] = el.value; }
    });
    try { localStorage.setItem(storageKey(form), JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }

  function restore(form) {
    var data;
    try { data = JSON.parse(localStorage.getItem(storageKey(form)) || "null"); } catch (e) { data = null; }
    if (!data) { return; }
    var changed = false;
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name) || el.dataset.fresh !== undefined) { return; }
      if (el.type === "checkbox") {
        if (el.checked !== data[el.name]) { el.checked = !!data[el.name]; changed = true; }
      } else if (el.type === "radio") {
        var checked = el.value === data[el.name];
        if (el.checked !== checked) { el.checked = checked; changed = true; }
      } else if (el.value !== data[el.name]) {
        el.value = data[el.name]; changed = true;
      }
    });
    if (changed) { note(form, "restored", text("restored")); }
  }

  function forgetSaved() {
    var params = new URLSearchParams(window.location.search);
    var saved = params.get("saved");
    if (!saved) { return; }
    try { localStorage.removeItem(PREFIX + saved); } catch (e) { /* nothing stored */ }
    params.delete("saved");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function note(form, kind, message) {
    if (!message) { return; }
    var box = form.querySelector(".onsite-note");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.firstChild);
    }
    box.className = "onsite-note message " + (kind === "offline" ? "error" : "warning");
    box.dataset.kind = kind;
    box.textContent = message;
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = on; });
  }

  function swap(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("main");
    var current = document.getElementById("main");
    if (!fresh || !current) { document.open(); document.write(html); document.close(); return; }
    current.replaceWith(document.adoptNode(fresh));
    document.title = page.title;
    init(document);
    window.scrollTo(0, 0);
    document.dispatchEvent(new CustomEvent("servicedesk:swapped"));
  }

  function queueable(form) { return form.dataset.offline !== undefined && window.servicedeskOffline; }

  function queueOffline(form, submitter) {
    busy(form, true);
    window.servicedeskOffline.queue(form, submitter).then(
      function () { busy(form, false); },
      function () { busy(form, false); note(form, "offline", text("offline")); }
    );
  }

  function send(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) { body.append(submitter.name, submitter.value); }
    busy(form, true);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.text().then(function (html) {
          // Saved: the page the server redirected to (its messages are in this response, so it is
          // shown as it came rather than fetched again). Refused: the page with the form as typed.
          if (response.redirected) { window.history.replaceState(null, "", response.url); }
          swap(html);
        });
      })
      .catch(function () {
        busy(form, false);
        if (queueable(form)) { queueOffline(form, submitter); return; } // the answer may be lost: the key makes a resend safe
        note(form, "offline", text("offline"));
      });
  }

  function locate(form, then) {
    var done = false;
    function finish() { if (!done) { done = true; then(); } }
    if (!navigator.geolocation) { finish(); return; }
    var timer = window.setTimeout(finish, 8000);
    navigator.geolocation.getCurrentPosition(function (position) {
      window.clearTimeout(timer);
      var set = function (name, value) { var el = form.elements[name]; if (el) { el.value = value; } };
      set("latitude", position.coords.latitude.toFixed(6));
      set("longitude", position.coords.longitude.toFixed(6));
      set("accuracy", Math.round(position.coords.accuracy));
      finish();
    }, function () { window.clearTimeout(timer); finish(); }, { enableHighAccuracy: true, timeout: 7000, maximumAge: 60000 });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.dataset.autosave) { save(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.dataset.autosave) { save(form); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.autosave) { return; }
    save(form);
    if (!window.fetch || !window.FormData || !window.DOMParser) { return; } // plain submit; the copy stays
    event.preventDefault();
    var submitter = event.submitter;
    var go = function () {
      if (queueable(form) && navigator.onLine === false) { queueOffline(form, submitter); return; }
      send(form, submitter);
    };
    if (form.dataset.geo !== undefined) { locate(form, go); return; }
    go();
  });

  function initSignature(pad) {
    var canvas = pad.querySelector("canvas");
    if (pad.dataset.ready || !canvas.clientWidth) { return; } // hidden (a later step offline): when shown
    pad.dataset.ready = "1";
    var input = document.getElementById(pad.dataset.signature);
    var form = input.form;
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = Math.round(canvas.clientWidth * ratio);
    canvas.height = Math.round(canvas.clientHeight * ratio);
    var ctx = canvas.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = ctx.fillStyle = "#10243e";
    if (input.value) {
      var image = new Image();
      image.onload = function () { ctx.drawImage(image, 0, 0, canvas.clientWidth, canvas.clientHeight); pad.classList.add("signed"); };
      image.src = input.value;
    }
    var last = null;
    function at(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      last = at(event);
      if (canvas.setPointerCapture) { try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* synthetic */ } }
      ctx.beginPath();
      ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) { return; }
      event.preventDefault();
      var point = at(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(point.x, point.y);
      ctx.stroke();
      last = point;
    });
    function end() {
      if (!last) { return; }
      last = null;
      input.value = canvas.toDataURL("image/png");
      pad.classList.add("signed");
      if (form && form.dataset.autosave) { save(form); }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.restore();
      input.value = "";
      pad.classList.remove("signed");
      if (form && form.dataset.autosave) { save(form); }
    });
  }

  function init(root) {
    forgetSaved();
    root.querySelectorAll("form[data-autosave]").forEach(restore);
    root.querySelectorAll("[data-signature]").forEach(initSignature);
  }

  // offline.js shows a later step once the one before it is queued.
  document.addEventListener("servicedesk:reveal", function (event) {
    event.target.querySelectorAll("[data-signature]").forEach(initSignature);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
