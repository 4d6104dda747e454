/* Every page (SPEC §8, WCAG 2.1.1): a box that scrolls sideways (a wide table on a phone) and
 * holds nothing the keyboard reaches gets the focus itself, so the arrows scroll it; it is
 * named after its table's caption or the heading before it. Checked again when the window's
 * width changes. */
(function () {
  "use strict";
  var BOXES = ".table-responsive, .table-scroll, .rec-scroll";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var el = box.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) { el = el.previousElementSibling; }
    return el ? el.textContent.trim() : document.title;
  }

  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(BOXES), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.querySelector(FOCUSABLE) && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        box.dataset.a11yScroll = "1";
      } else if (!scrolls && box.dataset.a11yScroll) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.a11yScroll;
      }
    });
  }

  window.addEventListener("resize", mark);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
}());
