/* The intake wizard, without inline script (strict CSP):
   - a submit button marked data-once is disabled after the first click (double submit);
   - the upload progress bar follows htmx-free XHR progress of the document form;
   - autosave itself is declarative (hx-post / hx-trigger on the form, htmx from npm). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.once === "true") {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
  var form = document.getElementById("step-form");
  var bar = document.getElementById("upload-progress");
  if (!form || !bar || !window.FormData || !window.XMLHttpRequest) { return; }
  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    if (!event.submitter || event.submitter.name !== "upload" || !file || !file.files.length) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.append("upload", "1");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); bar.textContent = bar.value + "%"; }
    });
    xhr.addEventListener("load", function () { window.location.assign(xhr.responseURL || window.location.href); });
    xhr.send(data);
  });
})();
