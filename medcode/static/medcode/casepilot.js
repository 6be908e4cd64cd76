// CasePilot: ask without reloading the page and watch the answer arrive. Without JavaScript the
// form posts and the page reloads with the answer.
(function () {
  "use strict";

  function attach(form) {
    var chat = document.getElementById("chat");
    var error = document.getElementById("ask-error");
    var box = form.querySelector("textarea");
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!box.value.trim()) { return; }
      error.hidden = true;
      button.disabled = true;
      var turn = document.createElement("li");
      turn.className = "turn pending";
      var question = document.createElement("p");
      question.className = "question";
      question.textContent = "You: " + box.value;
      var answer = document.createElement("p");
      answer.className = "answer streaming";
      answer.textContent = "…";
      turn.appendChild(question); turn.appendChild(answer);
      chat.appendChild(turn);
      var body = new FormData(form);
      fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/x-ndjson" }, credentials: "same-origin" })
        .then(function (response) { return read(response, turn, answer); })
        .catch(function () { fail(turn, "CasePilot could not be reached. Try again."); })
        .then(function () { button.disabled = false; });
    });

    function fail(turn, message) {
      turn.remove();
      error.textContent = message;
      error.hidden = false;
    }

    function handle(event, turn, answer) {
      if (event.error) { fail(turn, event.error); return; }
      if (event.replace) { answer.textContent = "…"; return; }
      if (event.text) {
        if (answer.textContent === "…") { answer.textContent = ""; }
        answer.textContent += event.text;
      }
      if (event.done) {
        var holder = document.createElement("div");
        holder.innerHTML = event.html;  // rendered and escaped by the server's template
        chat.replaceChild(holder.firstElementChild, turn);
        if (event.conversation) { form.querySelector("input[name=conversation]").value = event.conversation; }
        box.value = "";
      }
    }

    function read(response, turn, answer) {
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffered = "";
      function next() {
        return reader.read().then(function (chunk) {
          buffered += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
          var lines = buffered.split("\n");
          buffered = lines.pop();
          lines.forEach(function (line) { if (line.trim()) { handle(JSON.parse(line), turn, answer); } });
          if (chunk.done) {
            if (buffered.trim()) { handle(JSON.parse(buffered), turn, answer); }
            return null;
          }
          return next();
        });
      }
      return next();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("ask-form");
    if (form && window.fetch && window.TextDecoder) { attach(form); }
  });
})();
