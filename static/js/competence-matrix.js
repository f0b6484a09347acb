/* Sign-off in a dialog: a click on a cell loads its form with HTMX; the saved answer
   replaces the cell (and its Green Card and coverage cells out of band). Without
   JavaScript the cell links open the form as a page. htmx is deferred: wait for it. */
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("matrix");
  const dialog = document.getElementById("matrix-dialog");
  const body = document.getElementById("matrix-dialog-body");
  const status = document.getElementById("matrix-status");
  if (!table || !dialog || !window.htmx || !dialog.showModal) return;
  let opener = null;
  table.addEventListener("click", (event) => {
    const link = event.target.closest("a.mc__in");
    if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    opener = link.closest("td").id;
    htmx.ajax("GET", link.href, { target: body, swap: "innerHTML" }).then(() => {
      if (body.querySelector("form")) {
        if (!dialog.open) dialog.showModal();
      } else {
        window.location.href = link.href;
      }
    });
  });
  dialog.addEventListener("close", () => {
    body.innerHTML = "";
    const cell = opener && document.getElementById(opener);
    if (cell && cell.querySelector("a")) cell.querySelector("a").focus();
  });
  document.body.addEventListener("matrixCellSaved", (event) => {
    status.textContent = event.detail.message;
    opener = event.detail.cell;
    dialog.close();
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    // A refused sign-off (422) shows its errors in the dialog.
    if (event.detail.xhr.status === 422 && dialog.contains(event.detail.target)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
});
