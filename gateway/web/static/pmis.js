// Small page behaviours shared by every page. They live here, not in onclick="…" or hx-on
// attributes, because the Content-Security-Policy allows no inline script (nor htmx's eval).
(function () {
  document.addEventListener("click", (event) => {
    const target = event.target.closest("[data-print], [data-remove-closest]");
    if (!target) return;
    if (target.hasAttribute("data-print")) {
      window.print();
    } else {
      const block = target.closest(target.dataset.removeClosest);
      if (block) block.remove();
    }
  });
  // A "select all" checkbox: data-check-all names the checkboxes it switches.
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-check-all]");
    if (!all) return;
    document.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`).forEach((box) => {
      box.checked = all.checked;
    });
  });
})();
