/* Plaid Link on the bank step's Link page, without inline script (strict CSP):
   - Plaid.create with the Link token the server put on #plaid-link-form (update mode when
     the form carries the connection to repair), opened at once and again by the button;
   - onSuccess posts the public token and Link's metadata (institution id, account ids) to
     this page with the CSRF token (an ordinary form post: the server exchanges the token);
   - onExit posts the exit (status, error code and type, Link's session and request ids)
     so the server logs it: an error is
     never swallowed, and the consumer lands back on the bank step to choose another way;
   - Plaid's script not loaded: posted as an exit too (LINK_UNAVAILABLE). */
(function () {
  "use strict";
  var form = document.getElementById("plaid-link-form");
  if (!form) { return; }
  var button = document.getElementById("plaid-link-open");
  var status = document.getElementById("plaid-link-status");
  var posted = false;

  function field(name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value == null ? "" : String(value);
    form.appendChild(input);
  }
  function post(fields) {
    if (posted) { return; }
    posted = true;
    button.disabled = true;
    fields.forEach(function (pair) { field(pair[0], pair[1]); });
    form.submit();
  }
  function say(key) { status.textContent = form.dataset[key] || ""; }

  if (!window.Plaid || typeof window.Plaid.create !== "function") {
    say("msgUnavailable");
    post([["exit", "1"], ["status", "LINK_UNAVAILABLE"], ["error_code", "LINK_UNAVAILABLE"],
          ["error_type", "LINK_ERROR"]]);
    return;
  }
  var config = {
    token: form.dataset.linkToken,
    onLoad: function () {
      button.disabled = false;
      say("msgOpening");
      handler.open();
    },
    onSuccess: function (publicToken, metadata) {
      say("msgSaving");
      var fields = [["public_token", publicToken]];
      var institution = metadata && metadata.institution;
      fields.push(["institution_id", institution ? institution.institution_id : ""]);
      ((metadata && metadata.accounts) || []).forEach(function (account) {
        fields.push(["account_id", account.id]);
      });
      post(fields);
    },
    onExit: function (error, metadata) {
      metadata = metadata || {};
      post([["exit", "1"], ["status", metadata.status || ""],
            ["error_code", error ? error.error_code : ""],
            ["error_type", error ? error.error_type : ""],
            ["link_session_id", metadata.link_session_id || ""],
            ["request_id", metadata.request_id || ""]]);
    }
  };
  // Back from a bank's OAuth page: Link resumes with the address it returned to.
  if (form.dataset.receivedRedirectUri) { config.receivedRedirectUri = window.location.href; }
  var handler = window.Plaid.create(config);
  button.addEventListener("click", function () { handler.open(); });
})();
