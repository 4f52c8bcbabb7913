// Roster's small behaviours. No inline scripts: the page's
// Content-Security-Policy forbids them, so everything is wired here.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The role pencil turns the role cell into a picker.
  document.addEventListener("click", function (e) {
    var pencil = e.target.closest("[data-edit-role]");
    if (pencil) {
      var cell = pencil.closest(".role-cell");
      cell.classList.add("editing");
      var sel = cell.querySelector("select");
      if (sel) sel.focus();
      return;
    }
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      var input = copy.parentElement.querySelector(".copy-value");
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
      copy.textContent = "Copied";
      return;
    }
    var close = e.target.closest("[data-close-dialog]");
    if (close) {
      var dlg = close.closest("dialog");
      if (dlg) dlg.close();
      return;
    }
    // A click outside an open menu closes it.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var cell = e.target.closest && e.target.closest(".role-cell.editing");
    if (cell) {
      cell.classList.remove("editing");
      var pencil = cell.querySelector("[data-edit-role]");
      if (pencil) pencil.focus();
      return;
    }
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });

  // Confirmations use a real dialog instead of window.confirm.
  document.addEventListener("htmx:confirm", function (e) {
    if (!e.detail.question) return;
    e.preventDefault();
    var dlg = document.getElementById("confirm-dialog");
    document.getElementById("confirm-text").textContent = e.detail.question;
    var opener = document.activeElement;
    dlg.returnValue = "";
    dlg.onclose = function () {
      if (dlg.returnValue === "ok") e.detail.issueRequest(true);
      else if (opener && opener.focus) opener.focus();
    };
    dlg.showModal();
    document.getElementById("confirm-ok").focus();
  });

  // Forms fetched into #modal-root open as modal dialogs and go away when
  // closed.
  function openModals(root) {
    root.querySelectorAll("dialog[data-modal]").forEach(function (dlg) {
      if (dlg.open) return;
      dlg.addEventListener("close", function () { dlg.remove(); });
      dlg.showModal();
      var first = dlg.querySelector("[autofocus], input:not([type=hidden]), select, button");
      if (first) first.focus();
    });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    openModals(document.getElementById("modal-root") || document);
    // After an in-place change, keep focus inside the swapped region.
    var t = e.detail.target;
    if (t && t.isConnected && !t.contains(document.activeElement) && t.id !== "modal-root" && t.id !== "flash") {
      var err = t.querySelector("[aria-invalid=true], .field-error");
      if (err && err.focus) err.focus();
    }
  });

  ready(function () { openModals(document); });
})();
