// A refused form: bring its first refused control into view and give it the focus (the
// summary at the top when no control is marked), on page load and after an htmx swap.
(function () {
  function showFirstError(root) {
    const summary = root.querySelector(".error-summary");
    if (!summary) return;
    const control = root.querySelector('[aria-invalid="true"]');
    const target = control || summary;
    const details = target.closest("details");
    if (details) details.open = true;
    target.scrollIntoView({block: "center"});
    target.focus({preventScroll: true});
  }
  // The summary's links move the focus to the control, not only the view.
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const control = document.getElementById(link.getAttribute("href").slice(1));
    if (!control) return;
    event.preventDefault();
    const details = control.closest("details");
    if (details) details.open = true;
    control.scrollIntoView({block: "center"});
    control.focus({preventScroll: true});
  });
  document.addEventListener("DOMContentLoaded", () => showFirstError(document));
  document.addEventListener("htmx:afterSettle", () => showFirstError(document));
})();

// A file chosen in <input type="file" data-read-into="ID"> is read as text into the textarea ID
// (报表模板: the form posts the document's text, never the file).
document.addEventListener("change", (event) => {
  const input = event.target.closest("input[type=file][data-read-into]");
  const target = input && document.getElementById(input.dataset.readInto);
  if (!target || !input.files.length) return;
  input.files[0].text().then((text) => { target.value = text; });
});
