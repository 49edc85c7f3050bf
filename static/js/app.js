// servicedesk: small progressive enhancements. Every page works without JavaScript.
(function () {
  "use strict";
  // Close the mobile menu when a link inside it is followed.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#main-menu a");
    if (link) { document.getElementById("main-menu").removeAttribute("open"); }
  });
  // Open the menu by default on wide screens (it is a <details> so it folds away on phones).
  function syncMenu() {
    var menu = document.getElementById("main-menu");
    if (!menu) { return; }
    if (window.matchMedia("(min-width: 800px)").matches) { menu.setAttribute("open", ""); }
  }
  document.addEventListener("DOMContentLoaded", syncMenu);
  window.addEventListener("resize", syncMenu);
  // Ask before leaving a form with unsaved typing (field engineers on weak connections, agents mid-call).
  document.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-guard]");
    if (form) { form.dataset.dirty = "1"; }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.dataset) { delete event.target.dataset.dirty; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("form[data-guard][data-dirty]")) { event.preventDefault(); event.returnValue = ""; }
  });
})();
