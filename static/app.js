// orgsync's own script: copy buttons. A <button type="button" data-copy="ID"> copies the
// value of the field ID (a read-only input the page also lets people select by hand,
// so nothing depends on this script).
document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) return;
  var label = button.getAttribute("data-label") || button.textContent;
  button.setAttribute("data-label", label);
  var said = function (text) {
    button.textContent = text;
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  var byHand = function () {
    field.focus();
    field.select();
    try {
      said(document.execCommand("copy") ? "Copied" : "Press Ctrl+C to copy");
    } catch (e) {
      said("Press Ctrl+C to copy");
    }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(function () { said("Copied"); }, byHand);
  } else {
    byHand();
  }
});
