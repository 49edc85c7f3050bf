// servicedesk: small progressive enhancements. Every page works without JavaScript.
(function () {
  "use strict";
  // Close the mobile menu when a link inside it is followed; one drop-down group open at a time;
  // a click outside or Escape closes the open group.
  function closeGroups(except) {
    document.querySelectorAll(".nav-group details[open], details.user-menu[open]").forEach(function (d) {
      if (d !== except) { d.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#main-menu a");
    if (link && !window.matchMedia("(min-width: 800px)").matches) {
      document.getElementById("main-menu").removeAttribute("open");
    }
    closeGroups(event.target.closest(".nav-group details, details.user-menu"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeGroups(null); }
    // "/" anywhere but in a field jumps to the top bar's search box (issue 17).
    var field = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !field && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var search = document.getElementById("global-search");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    }
  });
  // The menu is served open (so it works without JavaScript); on phones it folds away into
  // a <details> until tapped, on wide screens it stays open.
  var wide = window.matchMedia("(min-width: 800px)");
  function syncMenu() {
    var menu = document.getElementById("main-menu");
    if (!menu) { return; }
    if (wide.matches) { menu.setAttribute("open", ""); } else { menu.removeAttribute("open"); }
  }
  document.addEventListener("DOMContentLoaded", syncMenu);
  wide.addEventListener("change", syncMenu);
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
