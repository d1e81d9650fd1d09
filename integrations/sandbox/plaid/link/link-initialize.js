/* The Plaid sandbox's stand-in for https://cdn.plaid.com/link/v2/stable/link-initialize.js:
   the same window.Plaid.create({token, onSuccess, onExit, onEvent, onLoad,
   receivedRedirectUri}) -> {open, exit, destroy} interface, so the page code that runs
   against Plaid's real Link runs unchanged against the local sandbox. open() shows the
   sandbox's Link page in a full-screen iframe (from this script's own origin, as Plaid's
   Link is an iframe from cdn.plaid.com); the page answers with postMessage. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script.src).origin;

  function create(config) {
    var frame = null;
    var done = false;
    function noop() {}
    var onSuccess = config.onSuccess || noop;
    var onExit = config.onExit || noop;
    var onEvent = config.onEvent || noop;

    function close() {
      window.removeEventListener("message", receive);
      if (frame && frame.parentNode) { frame.parentNode.removeChild(frame); }
      frame = null;
    }
    function receive(event) {
      if (!frame || event.origin !== origin || event.source !== frame.contentWindow) { return; }
      var data = event.data || {};
      if (data.source !== "plaid-sandbox-link" || done) { return; }
      done = true;
      close();
      if (data.action === "success") {
        onEvent("HANDOFF", { link_session_id: data.metadata.link_session_id });
        onSuccess(data.public_token, data.metadata);
      } else {
        onEvent("EXIT", { link_session_id: data.metadata.link_session_id });
        onExit(data.error || null, data.metadata);
      }
    }
    var handler = {
      open: function () {
        if (frame) { return; }
        done = false;
        var src = new URL("/link/sandbox", origin);
        src.searchParams.set("token", config.token || "");
        src.searchParams.set("origin", window.location.origin);
        if (config.receivedRedirectUri) { src.searchParams.set("oauth", "1"); }
        frame = document.createElement("iframe");
        frame.id = "plaid-link-iframe-1";
        frame.title = "Plaid Link";
        frame.src = src.toString();
        // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
        frame.style.position = "fixed";
        frame.style.top = "0";
        frame.style.left = "0";
        frame.style.width = "100%";
        frame.style.height = "100%";
        frame.style.border = "0";
        frame.style.zIndex = "2147483647";
        frame.style.background = "#fff";
        window.addEventListener("message", receive);
        document.body.appendChild(frame);
        onEvent("OPEN", {});
      },
      exit: function () {
        if (!frame || done) { return; }
        done = true;
        close();
        onExit(null, { status: "requires_credentials", institution: null, link_session_id: "" });
      },
      destroy: close,
      submit: noop
    };
    window.setTimeout(function () { if (config.onLoad) { config.onLoad(); } }, 0);
    return handler;
  }

  window.Plaid = { create: create, version: "sandbox" };
})();
