// Copy buttons: <button data-copy="FIELD-ID" hidden> copies that field's value to the
// clipboard and says so in the element with data-copy-status="FIELD-ID". The buttons
// are shown only here, so without JavaScript the field stays, to select and copy by hand.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copy");
      var field = document.getElementById(id);
      var status = document.querySelector('[data-copy-status="' + id + '"]');
      if (!field) return;
      var say = function (text) { if (status) status.textContent = text; };
      var byHand = function () { field.select(); say("Selected: press Ctrl+C (⌘C) to copy."); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { say("Copied."); }, byHand);
      } else {
        byHand();
      }
    });
  });
});
