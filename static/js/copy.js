/* Copy buttons: <button type="button" data-copy="ID" data-copied="…" hidden> copies the
   value of the read-only input ID (a calendar address, a webhook address, a secret) and
   says so in the live region ID-copied. Hidden until this script shows them, so a page
   without scripts offers no button that does nothing; the input can still be selected. */
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
});
document.addEventListener("click", async (event) => {
  const button = event.target.closest && event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.copy);
  if (!input) return;
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    document.execCommand("copy"); // an older browser, or a page not served over HTTPS
  }
  const status = document.getElementById(`${button.dataset.copy}-copied`);
  if (status) status.textContent = button.dataset.copied;
});
