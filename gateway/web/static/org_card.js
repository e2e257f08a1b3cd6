// The organization card: print it, and confirm before deleting anything.
(function () {
  const print = document.getElementById("print-card");
  if (print) print.addEventListener("click", () => window.print());
  document.addEventListener("submit", (event) => {
    const message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
