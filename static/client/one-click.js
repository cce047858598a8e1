// One-click survey score: the e-mailed link opened this page with the clicked score chosen; send
// it from the person's browser, then come back to add a reason. The server records nothing on a
// GET, so link scanners and previews that fetch every link of an e-mail cannot answer for anyone.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-one-click]");
  if (!form || !form.querySelector("input[name=score]:checked")) return;
  const then = document.createElement("input");
  then.type = "hidden";
  then.name = "then";
  then.value = "comment";
  form.append(then);
  form.requestSubmit();
});
