/* Print buttons: <button type="button" data-print> prints the page (no inline onclick,
   which the Content-Security-Policy refuses). */
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});
