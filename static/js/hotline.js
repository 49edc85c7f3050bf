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

  // The chosen contact fills the contact name (HL-1). A value the script filled is remembered on the
  // field (data-autofilled): choosing another contact replaces it and "new or not named" clears it;
  // a name the agent typed is never touched. Add [field id, option data key] pairs for more fields.
  var CONTACT_FIELDS = [["id_contact_name", "name"]];

  function fillFromContact(select) {
    var option = select.options[select.selectedIndex];
    CONTACT_FIELDS.forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      if (!input) { return; }
      var value = (option && option.dataset[pair[1]]) || "";
      var autofilled = input.dataset.autofilled !== undefined && input.value === input.dataset.autofilled;
      if (input.value && !autofilled) { return; }
      input.value = value;
      if (value) { input.dataset.autofilled = value; } else { delete input.dataset.autofilled; }
    });
  }

  // After the caller panel (or the whole form) is rendered: a value that is the selected contact's
  // own (the phone match, or a form re-shown after an error) counts as filled in by the script.
  function syncContact() {
    var select = document.getElementById("id_contact");
    if (!select) { return; }
    var option = select.options[select.selectedIndex];
    CONTACT_FIELDS.forEach(function (pair) {
      var input = document.getElementById(pair[0]);
      var value = option && option.dataset[pair[1]];
      if (input && value && input.value === value) { input.dataset.autofilled = value; }
    });
    fillFromContact(select);
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "outcome") { showOutcomeFields(); }
    if (event.target.id === "id_contact") { fillFromContact(event.target); }
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
    if (event.target.id === "caller-panel" || event.target.id === "call-form" || !event.target.isConnected) {
      syncContact();
    }
    if (event.target.id === "call-form" || !event.target.isConnected) {
      var logged = document.querySelector("#call-form [data-logged]");
      var focus = document.getElementById(logged ? "id_organisation" : null) ||
        document.querySelector("#call-form .has-error input, #call-form .has-error textarea, #call-form .has-error select");
      if (focus) { focus.focus(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () { showOutcomeFields(); prefillFromCaller(); syncContact(); });
})();
