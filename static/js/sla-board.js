// SLA board: live countdowns. Every element with data-countdown shows the time left until (or
// overdue since) its datetime attribute, ticking every second. The server's clock is the
// reference (data-server-now on the board), so a wrong clock on the phone does not matter.
// htmx replaces the board every 30 seconds; the next tick picks up the new elements.
(function () {
  "use strict";
  var offset = 0; // server time minus browser time, in ms

  function syncOffset() {
    var stamp = document.querySelector("[data-server-now]");
    if (stamp) {
      var server = Date.parse(stamp.getAttribute("data-server-now"));
      if (!isNaN(server)) { offset = server - Date.now(); }
    }
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function format(seconds) {
    var s = Math.abs(seconds);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return (h ? h + ":" + pad(m) : String(m)) + ":" + pad(r);
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      var seconds = Math.round((due - now) / 1000);
      el.textContent = seconds >= 0 ? format(seconds) + " " + el.dataset.left : el.dataset.overdue + " " + format(seconds);
      el.classList.toggle("overdue", seconds < 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { syncOffset(); tick(); window.setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", function () { syncOffset(); tick(); });
})();
