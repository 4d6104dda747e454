// A long job's page: polls its status (JSON) every second until it is done or failed, and
// moves the progress bar; then shows the result, the download link or the error.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-bar");
  function show(data) {
    var percent = data.state === "done" ? 100 : data.progress;
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", percent);
    bar.textContent = percent + " %";
    document.getElementById("job-state").textContent = data.state_label;
    document.getElementById("job-stage").textContent = data.stage;
    box.setAttribute("data-state", data.state);
    if (data.state === "failed") {
      bar.className = "progress-bar progress-bar-danger";
      var error = document.getElementById("job-error");
      error.textContent = data.error;
      error.style.display = "";
    }
    if (data.state === "done") {
      bar.className = "progress-bar progress-bar-success";
      var result = document.getElementById("job-result");
      result.textContent = data.result;
      result.style.display = "";
      if (data.download) {
        var link = document.getElementById("job-download");
        link.href = data.download;
        document.getElementById("job-file").textContent = data.file;
        link.style.display = "";
      }
    }
  }
  function poll() {
    fetch(box.getAttribute("data-status"), {headers: {"Accept": "application/json"},
                                            credentials: "same-origin"})
      .then(function (answer) { return answer.json(); })
      .then(function (data) {
        show(data);
        if (data.state !== "done" && data.state !== "failed") { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  var state = box.getAttribute("data-state");
  if (state !== "done" && state !== "failed") { poll(); }
})();
