// The consultant's "start the reply from this draft" button: copies CasePilot's draft into the reply box.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("use-draft");
    var draft = document.getElementById("draft-text");
    var reply = document.getElementById("reply-text");
    if (!button || !draft || !reply) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      reply.value = draft.textContent.trim() + (reply.value ? "\n\n" + reply.value : "");
      reply.focus();
    });
  });
})();
