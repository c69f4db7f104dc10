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

  // an upload is read before the request answers: say so, and show what is being read meanwhile
  function showIngests(box) {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (jobs) {
        box.textContent = "";
        if (!jobs.length) { return; }
        var p = document.createElement("p");
        p.className = "hint";
        p.textContent = "正在处理的上传：";
        var ul = document.createElement("ul");
        ul.className = "ingests";
        jobs.forEach(function (j) {
          var li = document.createElement("li");
          li.textContent = j.filename + "（" + j.by + "，" + (j.stage === "parsing" ? "正在识别" : "正在保存") +
            "，已用 " + Math.round(j.seconds) + " 秒）";
          ul.appendChild(li);
        });
        box.appendChild(p);
        box.appendChild(ul);
      })
      .catch(function () { /* the list is a courtesy; the upload itself answers */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("upload-form");
    var box = document.getElementById("ingests");
    if (form && box) {
      var timer = null;
      if (box.querySelector("li")) { timer = setInterval(function () { showIngests(box); }, 2000); }
      form.addEventListener("submit", function () {
        var status = document.getElementById("upload-status");
        if (status) { status.hidden = false; }
        if (!timer) { timer = setInterval(function () { showIngests(box); }, 2000); }
      });
    }
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
