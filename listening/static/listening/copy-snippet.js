// The web-form settings page: "Copy snippet" copies the embed code (a static file: the
// Content-Security-Policy allows no inline script).
document.addEventListener("DOMContentLoaded", function () {
  const button = document.getElementById("copy-snippet");
  if (!button) return;
  button.addEventListener("click", async function () {
    const area = document.getElementById(button.dataset.target);
    area.select();
    let done = false;
    try { await navigator.clipboard.writeText(area.value); done = true; } catch (e) { done = document.execCommand("copy"); }
    document.getElementById("copy-status").textContent = done ? "Copied." : "Select the text and copy it.";
  });
});
