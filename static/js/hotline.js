// Call screen (HL-1, HL-12): keyboard shortcuts, outcome-specific fields, caller panel pre-fill.
// Works on the server-rendered form; htmx swaps parts of it, so everything re-binds after a swap.
(function () {
  "use strict";

  function form() { return document.getElementById("call-form"); }

  function showOutcomeFields() {
    var f = form();
    if (!f) { return; }
    var checked = f.querySelector("input[name=outcome]:checked");
    var value = checked ? checked.value : "";
    f.querySelectorAll(".outcome-fields").forEach(function (group) {
      var wanted = group.getAttribute("data-outcome").split(" ");
      group.hidden = wanted.indexOf(value) === -1;
    });
  }

  // A matched customer fills the organisation, address and region the agent has not typed yet.
  function prefillFromCaller() {
    var pick = document.getElementById("id_customer_pick");
    if (!pick || !pick.dataset.org) { return; }
    [["id_organisation", pick.dataset.org], ["id_address", pick.dataset.address], ["id_region", pick.dataset.region]]
      .forEach(function (pair) {
        var input = document.getElementById(pair[0]);
        if (input && !input.value && pair[1]) { input.value = pair[1]; }
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "outcome") { showOutcomeFields(); }
  });

  document.addEventListener("keydown", function (event) {
    var f = form();
    if (!f) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      f.requestSubmit(document.getElementById("save-call"));
    } else if (event.altKey && /^[1-9]$/.test(event.key)) {
      var radio = f.querySelector("input[name=outcome][data-key='" + event.key + "']");
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        showOutcomeFields();
        var group = f.querySelector(".outcome-fields:not([hidden])");
        var first = group && group.querySelector("input:not([type=hidden]), textarea, select");
        (first || radio).focus();
      }
    }
  });

  document.addEventListener("htmx:afterSettle", function () { prefillFromCaller(); showOutcomeFields(); });

  document.addEventListener("htmx:afterSwap", function (event) {
    prefillFromCaller();
    showOutcomeFields();
    if (event.target.id === "call-form" || !event.target.isConnected) {
      var logged = document.querySelector("#call-form [data-logged]");
      var focus = document.getElementById(logged ? "id_organisation" : null) ||
        document.querySelector("#call-form .has-error input, #call-form .has-error textarea, #call-form .has-error select");
      if (focus) { focus.focus(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { showOutcomeFields(); prefillFromCaller(); });
})();
