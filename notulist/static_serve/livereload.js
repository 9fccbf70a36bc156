// Live reload for `python build.py serve`. The server adds this script to the HTML it serves;
// it is never written into a built site. No inline code; messages are set as textContent, never
// parsed as HTML; styles go through the CSSOM. Works under a strict Content-Security-Policy.
(function () {
  "use strict";

  var OVERLAY_ID = "notulist-serve-errors";
  var firstState = null;
  var events = new EventSource("/__notulist/events");

  // Sent on every (re)connect: a different state means a rebuild or a restart was missed.
  events.addEventListener("hello", function (event) {
    var state = JSON.parse(event.data);
    if (firstState !== null && state !== firstState) {
      location.reload();
    }
    firstState = state;
  });

  events.addEventListener("reload", function () {
    removeOverlay();
    location.reload();
  });

  events.addEventListener("errors", function (event) {
    showErrors(JSON.parse(event.data));
  });

  function showErrors(messages) {
    removeOverlay();
    var overlay = element("div", {
      position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "60vh",
      overflow: "auto", zIndex: "2147483647", padding: "1em 1.25em",
      background: "#2b0b0b", color: "#ffe9e9", borderTop: "4px solid #e5484d",
      font: "14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      boxShadow: "0 -4px 16px rgba(0, 0, 0, 0.35)"
    });
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");

    var close = element("button", {
      float: "right", font: "inherit", color: "inherit", background: "transparent",
      border: "1px solid currentColor", borderRadius: "4px", cursor: "pointer"
    });
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", removeOverlay);

    var title = element("p", { margin: "0 0 0.5em", fontWeight: "bold" });
    title.textContent = "Build failed: " + messages.length + " problem(s). " +
      "This page shows the last good build; save a fix to reload.";

    var list = element("pre", { margin: "0", whiteSpace: "pre-wrap", font: "inherit" });
    list.textContent = messages.join("\n");

    overlay.appendChild(close);
    overlay.appendChild(title);
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  function removeOverlay() {
    var overlay = document.getElementById(OVERLAY_ID);
    if (overlay) {
      overlay.parentNode.removeChild(overlay);
    }
  }

  // Styles set through the CSSOM, which a CSP without 'unsafe-inline' still allows.
  function element(name, styles) {
    var node = document.createElement(name);
    Object.keys(styles).forEach(function (key) {
      node.style[key] = styles[key];
    });
    return node;
  }
})();
