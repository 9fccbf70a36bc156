/* Notulist: starts Pagefind's search interface on the search page.
   An external script, so the page works under a strict Content-Security-Policy. The site's
   root is found from this script's own address (assets/search.js), so search works from
   any sub-path. A query in the address (?q=, from the search form on every page) is run. */
(function () {
  "use strict";
  var root = new URL("../", document.currentScript.src);

  function start() {
    // The index is split into shards of whole years (data-bundles: their folders, newest
    // first); Pagefind searches the first and merges the others' results and filters.
    var element = document.getElementById("search");
    var bundles = element.getAttribute("data-bundles").split(" ").map(function (folder) {
      return new URL(folder, root).pathname;
    });
    var ui = new PagefindUI({
      element: element,
      baseUrl: root.pathname,
      bundlePath: bundles[0],
      mergeIndex: bundles.slice(1).map(function (bundle) {
        return { bundlePath: bundle, baseUrl: root.pathname };
      }),
      showSubResults: true,
      showImages: false
    });
    // Pagefind's form says action="javascript:void(0);" and handles its submit itself; a
    // strict Content-Security-Policy reports javascript: URLs, so the attribute goes.
    document.querySelectorAll("#search form[action^='javascript:']").forEach(function (form) {
      form.removeAttribute("action");
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      ui.triggerSearch(query);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
