// Choosing a reply template fills the reply box with its text for this case (already rendered
// by the server); the member edits it before sending. Delegated, so it survives HTMX swaps.
document.addEventListener("change", function (event) {
  var pick = event.target;
  if (!pick.classList || !pick.classList.contains("reply-template-pick")) return;
  var option = pick.options[pick.selectedIndex];
  var box = pick.form.querySelector("textarea[name=body]");
  if (box && option && option.dataset.text !== undefined) box.value = option.dataset.text;
});
