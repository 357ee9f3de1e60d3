/* The upload progress bar of the import form: htmx reports the request's upload progress. */
(function () {
  "use strict";
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest ? event.target.closest("[data-upload-progress]") : null;
    if (!form || !event.detail.lengthComputable) { return; }
    var bar = document.getElementById(form.getAttribute("data-upload-progress"));
    var percent = Math.round((100 * event.detail.loaded) / event.detail.total);
    if (bar) { bar.value = percent; }
    var text = form.querySelector("[data-upload-text]");
    if (text) { text.textContent = percent + "%"; }
  });
})();
