/* The intake wizard, without inline script (strict CSP):
   - a submit button marked data-once is disabled after the first click (double submit);
   - a document upload is sent with XHR so a progress bar can follow it; a file larger than
     the limit (data-max-bytes on the file input) is refused before anything is sent, and
     the server's answer (the step again, with its message next to the field or the new
     document listed) replaces the page's main content, so no message is ever lost;
   - autosave itself is declarative (hx-post / hx-trigger on the form, htmx from npm). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.once === "true") {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  function fieldError(input, message) {
    var group = input.closest(".usa-form-group");
    var id = input.id + "-error";
    var old = document.getElementById(id);
    if (old) { old.remove(); }
    if (!message) { group.classList.remove("usa-form-group--error"); return; }
    var span = document.createElement("span");
    span.className = "usa-error-message";
    span.id = id;
    span.setAttribute("role", "alert");
    span.textContent = message;
    group.classList.add("usa-form-group--error");
    input.setAttribute("aria-describedby", id);
    input.parentNode.insertBefore(span, input);
  }

  function tooLarge(input) {
    var limit = parseInt(input.dataset.maxBytes || "0", 10);
    var file = input.files && input.files[0];
    return Boolean(limit && file && file.size > limit);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "file" || !input.dataset.maxBytes) { return; }
    fieldError(input, tooLarge(input) ? input.dataset.tooLarge : "");
  });

  function replaceMain(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main-content");
    var main = document.getElementById("main-content");
    if (!fresh || !main) { window.location.reload(); return; }
    main.innerHTML = fresh.innerHTML;
    var error = main.querySelector(".usa-error-message");
    var focus = error ? main.querySelector("#" + error.id.replace(/-error$/, "")) : null;
    if (focus) { focus.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "step-form" || !window.FormData || !window.XMLHttpRequest) { return; }
    var file = form.querySelector("input[type=file]");
    if (!event.submitter || event.submitter.name !== "upload" || !file || !file.files.length) { return; }
    event.preventDefault();
    if (tooLarge(file)) { fieldError(file, file.dataset.tooLarge); file.focus(); return; }
    var bar = document.getElementById("upload-progress");
    var data = new FormData(form);
    data.append("upload", "1");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    if (bar) { bar.hidden = false; }
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); bar.textContent = bar.value + "%"; }
    });
    xhr.addEventListener("load", function () { replaceMain(xhr.responseText); });
    xhr.addEventListener("error", function () { window.location.reload(); });
    xhr.send(data);
  });
})();
