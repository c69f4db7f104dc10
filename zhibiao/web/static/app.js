// zhibiao review app: load an indicator's source snippet when it is expanded; filter the tree.
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var panel = event.target;
    if (!(panel instanceof HTMLDetailsElement) || !panel.open || panel.dataset.loaded) { return; }
    var source = panel.dataset.source;
    var tree = panel.closest("ul.tree[data-panel]");
    var li = panel.closest("li[data-id]");
    if (!source && tree && li) { source = tree.dataset.panel.replace("{id}", encodeURIComponent(li.dataset.id)); }
    if (!source) { return; }
    panel.dataset.loaded = "1";
    var box = panel.querySelector(".source");
    box.textContent = "正在读取原文……";
    fetch(source, { headers: { Accept: "text/html" }, credentials: "same-origin" })
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

  // 逐项审核: one item beside its source; save, verify and accept warnings through the JSON API (with the
  // CSRF token of the page), then swap in the next item's server-rendered HTML: no reload of the page
  function reviewMode(review) {
    var cat = review.dataset.catalogue;
    var show = review.dataset.show || "";
    var box = document.getElementById("review-item");
    var status = document.getElementById("review-status");
    var token = document.querySelector('meta[name="csrf-token"]').content;
    var busy = false;

    function say(message, kind) {
      status.textContent = message;
      status.className = "flash" + (kind ? " flash-" + kind : "");
      status.hidden = !message;
    }
    function item() { return document.getElementById("item"); }
    function url(at) {
      return "/catalogues/" + cat + "/review" + "?at=" + encodeURIComponent(at) + "&show=" + encodeURIComponent(show);
    }
    function load(at, push) {
      return fetch("/catalogues/" + cat + "/review/item?at=" + encodeURIComponent(at) + "&show=" +
                   encodeURIComponent(show), { headers: { Accept: "text/html" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error("读取失败（" + r.status + "）")); })
        .then(function (html) {
          box.innerHTML = html;  // server-rendered, every text escaped
          var it = item();
          var shown = document.getElementById("catalogue-version");
          if (it && shown) { shown.textContent = "第 " + it.dataset.version + " 版"; }
          if (it && push) { history.pushState({ at: it.dataset.id }, "", url(it.dataset.id)); }
          if (it) { it.focus({ preventScroll: true }); }
          window.scrollTo(0, review.offsetTop);
        });
    }
    function post(path, body) {
      return fetch(path, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-Zhibiao-CSRF": token }
      }).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { var err = new Error(data.detail || "操作失败"); err.data = data; throw err; }
          return data;
        });
      });
    }
    function step(which) {
      var it = item();
      if (!it || busy) { return; }
      var target = it.dataset[which];
      if (!target) { say(which === "next" ? "已是最后一项。" : "已是第一项。", "warn"); return; }
      say("");
      load(target, true).catch(function (e) { say(e.message, "warn"); });
    }
    function advance(message) {
      var it = item();
      var target = it.dataset.next || it.dataset.id;
      return load(target, true).then(function () { say(message); });
    }
    function verify() {
      var it = item();
      if (!it || busy) { return; }
      if (it.dataset.verified === "1") { say("此项已核实。", "warn"); return; }
      if (it.dataset.pending === "1") { say("此项有警告，不能直接核实：请确认警告后核实（A）。", "warn"); return; }
      var revisions = {};
      revisions[it.dataset.id] = Number(it.dataset.revision);
      busy = true;
      post("/api/catalogues/" + cat + "/verify", { revisions: revisions })
        .then(function () { return advance("已核实指标 " + it.dataset.id + "。"); })
        .catch(function (e) { say(e.message, "warn"); })
        .then(function () { busy = false; });
    }
    function accept() {
      var it = item();
      if (!it || busy) { return; }
      if (it.dataset.pending !== "1") { say("此项没有待确认的警告。", "warn"); return; }
      var form = it.querySelector("form.accept-warnings");
      busy = true;
      post("/api/catalogues/" + cat + "/indicators/" + encodeURIComponent(it.dataset.id) + "/accept-warnings",
           { revision: Number(it.dataset.revision), reason: form.reason.value || null })
        .then(function () { return advance("已确认指标 " + it.dataset.id + " 的警告并核实。"); })
        .catch(function (e) { say(e.message, "warn"); })
        .then(function () { busy = false; });
    }
    function save(form) {
      var it = item();
      if (busy) { return; }
      form.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      var body = { revision: Number(form.revision.value), reason: form.reason.value };
      ["text", "marker", "points", "parent"].forEach(function (name) {
        if (form.elements[name]) { body[name] = form.elements[name].value; }
      });
      busy = true;
      post("/api/catalogues/" + cat + "/indicators/" + encodeURIComponent(it.dataset.id) + "/save", body)
        .then(function (data) {
          return load(data.indicator, data.indicator !== it.dataset.id).then(function () { say(data.message); });
        })
        .catch(function (e) {
          var name = (e.data && e.data.field) || "form";
          var where = form.elements[name] || form.querySelector("button[type=submit]");
          var span = document.createElement("span");
          span.className = "field-error";
          span.setAttribute("role", "alert");
          span.dataset.field = name;
          span.textContent = e.message;
          where.insertAdjacentElement("afterend", span);
        })
        .then(function () { busy = false; });
    }

    box.addEventListener("submit", function (event) {
      var form = event.target;
      if (form.matches("form.edit")) { event.preventDefault(); save(form); }
      else if (form.matches("form.verify")) { event.preventDefault(); verify(); }
      else if (form.matches("form.accept-warnings")) { event.preventDefault(); accept(); }
    });
    box.addEventListener("click", function (event) {
      var link = event.target.closest("a.prev, a.next");
      if (link) { event.preventDefault(); step(link.classList.contains("next") ? "next" : "prev"); }
    });
    window.addEventListener("popstate", function (event) {
      if (event.state && event.state.at) { load(event.state.at, false); }
    });
    document.addEventListener("keydown", function (event) {
      var typing = event.target.closest && event.target.closest("input, textarea, select");
      if (typing) {
        if (event.key === "Escape") { event.target.blur(); }
        else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          var form = event.target.closest("form.edit");
          if (form) { event.preventDefault(); save(form); }
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var key = event.key.toLowerCase();
      if (key === "j" || key === "arrowright") { event.preventDefault(); step("next"); }
      else if (key === "k" || key === "arrowleft") { event.preventDefault(); step("prev"); }
      else if (key === "v") { event.preventDefault(); verify(); }
      else if (key === "a") { event.preventDefault(); accept(); }
      else if (key === "e") {
        var panel = document.querySelector("#item details.edit-panel");
        if (panel) {
          event.preventDefault();
          panel.open = true;
          var field = panel.querySelector("textarea[name=text]");
          field.focus();
        }
      }
    });
    var it = item();
    if (it) { history.replaceState({ at: it.dataset.id }, "", url(it.dataset.id)); }
  }

  // long work (an upload, a compare) runs as a background job: start it, show its stage and time, open the
  // result when it is done; the page never waits on a request that long
  function csrf() { return document.querySelector('meta[name="csrf-token"]').content; }
  function track(job, box) {
    var bar = box.querySelector(".bar");
    var line = box.querySelector(".job-line");
    function show(j) {
      if (bar) { bar.className = "bar stage-" + j.stage; }
      line.textContent = j.label + "：" + j.stage_label + "……已用 " + Math.round(j.seconds) + " 秒";
    }
    function poll() {
      fetch(job.status_url || ("/api/jobs/" + job.id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          show(j);
          if (j.state === "done") { location.assign(j.page); return; }
          if (j.state === "failed") { fail(box, j.error ? j.error.detail : "未能完成。", j.error && j.error.technical); return; }
          setTimeout(poll, 700);
        })
        .catch(function () { setTimeout(poll, 2000); });
    }
    show(job);
    poll();
  }
  function progressBox(box) {
    box.hidden = false;
    box.className = "job-progress";
    box.textContent = "";
    var line = document.createElement("p");
    line.className = "job-line";
    line.textContent = "正在提交……";
    var outer = document.createElement("div");
    outer.className = "progress";
    outer.setAttribute("role", "progressbar");
    var bar = document.createElement("div");
    bar.className = "bar stage-queued";
    outer.appendChild(bar);
    box.appendChild(line);
    box.appendChild(outer);
    return box;
  }
  function fail(box, message, technical) {
    box.textContent = "";
    box.className = "job-progress failed";
    var p = document.createElement("p");
    p.className = "job-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    box.appendChild(p);
    if (technical) {
      var d = document.createElement("details");
      var s = document.createElement("summary");
      s.textContent = "技术信息";
      var pre = document.createElement("pre");
      pre.textContent = technical;
      d.appendChild(s);
      d.appendChild(pre);
      box.appendChild(d);
    }
    document.querySelectorAll("form[data-busy]").forEach(function (f) {
      delete f.dataset.busy;
      f.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  }
  function startJob(form, box, url, options) {
    if (form.dataset.busy) { return; }
    form.dataset.busy = "1";
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    progressBox(box);
    options.method = "POST";
    options.credentials = "same-origin";
    options.headers = options.headers || {};
    options.headers.Accept = "application/json";
    options.headers["X-Zhibiao-CSRF"] = csrf();
    fetch(url, options)
      .then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) { fail(box, data.detail || "未能提交。", data.technical); return; }
          track(data, box);
        });
      })
      .catch(function () { fail(box, "网络连接失败，请稍后重试。"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var uploadForm = document.getElementById("upload-form");
    var uploadBox = document.getElementById("upload-status");
    if (uploadForm && uploadBox && window.fetch && window.FormData) {
      uploadForm.addEventListener("submit", function (event) {
        event.preventDefault();
        startJob(uploadForm, uploadBox, "/api/jobs/upload", { body: new FormData(uploadForm) });
      });
    }
    var compareForm = document.getElementById("compare-form");
    var compareBox = document.getElementById("compare-progress");
    if (compareForm && compareBox && window.fetch) {
      compareForm.addEventListener("submit", function (event) {
        event.preventDefault();
        startJob(compareForm, compareBox, "/api/jobs/compare", {
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ old: Number(compareForm.old.value), new: Number(compareForm.new.value) })
        });
      });
    }
    var jobBox = document.getElementById("job");
    if (jobBox) {
      track({ id: jobBox.dataset.status.split("/").pop(), status_url: jobBox.dataset.status, label: "", stage_label: "", seconds: 0, stage: "queued" },
            (function () { var b = document.getElementById("job"); var l = b.querySelector("#job-status"); l.classList.add("job-line"); return b; })());
    }
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
    // 对比: choosing the new catalogue asks the server for its likely predecessor
    var newer = document.getElementById("compare-new");
    if (newer && newer.dataset.propose) {
      newer.addEventListener("change", function () {
        location.assign(newer.dataset.propose + encodeURIComponent(newer.value));
      });
    }
    var review = document.getElementById("review-mode");
    if (review) { reviewMode(review); }
    // open the indicator named in the address (#ind-7.2), e.g. after a save
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("ind-") === 0) {
      var li = document.getElementById(hash);
      var panel = li && li.querySelector(":scope > details.panel");
      if (panel) { panel.open = true; }
    }
  });
})();
