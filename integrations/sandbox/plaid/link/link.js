/* The sandbox Link page (inside the iframe that link-initialize.js opens): the user picks a
   test bank and persona; "Continue" asks this sandbox for a public token
   (POST /link/sandbox/complete, the same tokens /sandbox/public_token/create makes) and
   hands it to the opener; "Exit" and the test error hand an exit over instead. */
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var token = params.get("token") || "";
  var parentOrigin = params.get("origin") || "";
  var form = document.getElementById("sandbox-link-form");
  var status = document.getElementById("sandbox-link-status");
  var session = "sandbox-session-" + Math.random().toString(16).slice(2);

  function handOff(message) {
    message.source = "plaid-sandbox-link";
    message.metadata = message.metadata || {};
    message.metadata.link_session_id = session;
    window.parent.postMessage(message, parentOrigin);
  }
  function picked(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? input.value : "";
  }
  function institution() {
    var input = form.querySelector("input[name=institution]:checked");
    return input ? { institution_id: input.value, name: input.dataset.name } : null;
  }
  function exit(error, state) {
    handOff({ action: "exit", error: error,
              metadata: { status: state, institution: institution(), request_id: "" } });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (button && button.name === "exit") { exit(null, "requires_credentials"); return; }
    if (button && button.name === "fail") {
      exit({ error_type: "INSTITUTION_ERROR", error_code: "INSTITUTION_DOWN",
             error_message: "this institution is not currently responding to this request",
             display_message: null }, "institution_not_found");
      return;
    }
    status.textContent = "Connecting...";
    fetch("/link/sandbox/complete", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ link_token: token, institution_id: picked("institution"),
                             username: picked("persona") })
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        exit({ error_type: answer.body.error_type, error_code: answer.body.error_code,
               error_message: answer.body.error_message, display_message: null }, "");
        return;
      }
      handOff({ action: "success", public_token: answer.body.public_token,
                metadata: answer.body.metadata });
    }).catch(function () {
      exit({ error_type: "API_ERROR", error_code: "INTERNAL_SERVER_ERROR",
             error_message: "network error", display_message: null }, "");
    });
  });
})();
