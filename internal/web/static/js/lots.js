// Lots' own script: small enhancements of server-rendered pages. The Content-Security-Policy
// allows scripts from this site only and no inline handlers, so they are wired here.

// Print buttons (<button type="button" data-print hidden>) are shown only when this script
// runs, and print the page with the browser's print dialog.
document.querySelectorAll("[data-print]").forEach((b) => {
  b.hidden = false;
  b.addEventListener("click", () => window.print());
});

// Collapsed sections marked data-print-open (<details>) are printed open, and closed again
// after printing when they were closed before.
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("details[data-print-open]:not([open])").forEach((d) => {
    d.open = true;
    d.dataset.printOpened = "";
  });
});
window.addEventListener("afterprint", () => {
  document.querySelectorAll("details[data-print-opened]").forEach((d) => {
    d.open = false;
    delete d.dataset.printOpened;
  });
});
