// zhibiao review app: load an indicator's source snippet when it is expanded; filter the tree.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var panel = event.target;
    if (!(panel instanceof HTMLDetailsElement) || !panel.open || !panel.dataset.source || panel.dataset.loaded) {
      return;
    }
    panel.dataset.loaded = "1";
    var box = panel.querySelector(".source");
    box.textContent = "正在读取原文……";
    fetch(panel.dataset.source, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { box.innerHTML = html; })  // server-rendered, every text escaped
      .catch(function () {
        box.textContent = "原文片段读取失败。";
        delete panel.dataset.loaded;
      });
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll(".js-problems").forEach(function (box) {
      box.addEventListener("change", function () {
        var tree = box.closest(".rubric").querySelector(".tree");
        tree.classList.toggle("only-problems", box.checked);
      });
    });
    // open the indicator named in the address (#ind-7.2), e.g. after a save
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("ind-") === 0) {
      var li = document.getElementById(hash);
      var panel = li && li.querySelector(":scope > details.panel");
      if (panel) { panel.open = true; }
    }
  });
})();
