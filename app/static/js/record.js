/* The diary: a click on a mark opens the compact wrong-mark form (5.4) as a dialog, without
 * reloading the page; without scripts the mark's link opens the same form on a reload. */
(function () {
  "use strict";
  var dialog = document.getElementById("rec-report");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var lesson = document.getElementById("rec-report-lesson");
  var label = document.getElementById("rec-report-label");
  var text = document.getElementById("rec-report-text");
  document.addEventListener("click", function (e) {
    var mark = e.target.closest("a.rec-mark[data-lesson]");
    if (!mark) { return; }
    e.preventDefault();
    lesson.value = mark.dataset.lesson;
    label.textContent = mark.dataset.label;
    text.value = "";
    if (dialog.open) { dialog.close(); }
    dialog.showModal();
    text.focus();
  });
  document.getElementById("rec-report-cancel").addEventListener("click", function (e) {
    if (dialog.open) { e.preventDefault(); dialog.close(); }
  });
  /* The grid opens on its latest dates; the discipline column stays in place. */
  var box = document.getElementById("record-grid-box");
  if (box) { box.scrollLeft = box.scrollWidth; }
}());
