// Roster's small behaviours. No inline scripts: the page's
// Content-Security-Policy forbids them, so everything is wired here.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // closeRoleEdit puts the role cell back to its label, the picker back to
  // the saved role, and focus on the pencil.
  function closeRoleEdit(cell) {
    cell.classList.remove("editing");
    var sel = cell.querySelector("select");
    if (sel) sel.querySelectorAll("option").forEach(function (o) { o.selected = o.defaultSelected; });
    var pencil = cell.querySelector("[data-edit-role]");
    if (pencil) pencil.focus();
  }

  // The role pencil turns the role cell into a picker; nothing is saved
  // until Apply (WCAG 3.2.2).
  document.addEventListener("click", function (e) {
    var pencil = e.target.closest("[data-edit-role]");
    if (pencil) {
      var cell = pencil.closest(".role-cell");
      cell.classList.add("editing");
      cell.querySelectorAll(".row-error").forEach(function (p) { p.remove(); });
      var sel = cell.querySelector("select");
      if (sel) sel.focus();
      return;
    }
    var cancel = e.target.closest("[data-cancel-role]");
    if (cancel) {
      closeRoleEdit(cancel.closest(".role-cell"));
      return;
    }
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      copyValue(copy);
      return;
    }
    var close = e.target.closest("[data-close-dialog]");
    if (close) {
      var dlg = close.closest("dialog");
      if (dlg) dlg.close();
      else if (history.length > 1) history.back(); // the form opened as a page
      else location.assign("/");
      return;
    }
    var dismiss = e.target.closest("[data-dismiss]");
    if (dismiss) {
      dismiss.closest(".notice").remove();
      var main = document.getElementById("main");
      if (main) main.focus();
      return;
    }
    // A click outside an open menu closes it.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    if (e.target.closest && e.target.closest("dialog")) return; // the dialog handles its own Escape
    var cell = e.target.closest && e.target.closest(".role-cell.editing");
    if (cell) {
      closeRoleEdit(cell);
      return;
    }
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      d.removeAttribute("open");
      var s = d.querySelector("summary");
      if (s) s.focus();
    });
  });

  // copyValue puts the value beside button on the clipboard and says so
  // in the row's live status; focus stays on the button. Where the
  // browser refuses (no clipboard outside HTTPS, or denied), the value is
  // left selected and the status says how to copy it by hand.
  function copyValue(button) {
    var row = button.parentElement;
    var input = row.querySelector(".copy-value");
    var status = row.querySelector(".copy-status");
    function done(ok) {
      button.textContent = ok ? "Copied" : "Copy";
      if (!ok) input.select();
      if (status) status.textContent = ok ? "Copied to the clipboard." : "Could not copy: the text is selected, press Ctrl+C (⌘C on a Mac).";
      button.focus();
    }
    input.select();
    var legacy = function () {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
      done(ok);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(function () { done(true); }, legacy);
    else legacy();
  }

  // returnPoint is where focus goes back to from el: the summary of the
  // menu el sits in (the menu closes), or el itself.
  function returnPoint(el) {
    var menu = el && el.closest && el.closest("details.menu");
    if (menu) {
      menu.removeAttribute("open");
      return menu.querySelector("summary");
    }
    return el;
  }

  // Confirmations use a real dialog instead of window.confirm; it opens on
  // the safe button, and Cancel or Escape return focus to the control.
  document.addEventListener("htmx:confirm", function (e) {
    if (!e.detail.question) return;
    e.preventDefault();
    var dlg = document.getElementById("confirm-dialog");
    document.getElementById("confirm-text").textContent = e.detail.question;
    var opener = returnPoint(document.activeElement);
    dlg.returnValue = "";
    dlg.onclose = function () {
      if (opener && opener.focus) opener.focus();
      if (dlg.returnValue === "ok") e.detail.issueRequest(true);
    };
    dlg.showModal();
    document.getElementById("confirm-cancel").focus();
  });

  // Focus survives a swap of the region holding it: it goes back to the
  // same control in the new content (by id), to the row's pencil or menu,
  // or to the row or region itself.
  var keep = null;
  function focusKey(el, target) {
    if (!el || el === document.body || !target.contains(el)) return null;
    var row = el.closest("tr[id]");
    var next = row && row.nextElementSibling;
    return {id: el.id, row: row && row.id, next: next && next.id, menu: !!el.closest("details.menu"),
      role: !!el.closest(".role-cell"), action: el.getAttribute("data-action")};
  }
  function restoreFocus(k, target) {
    var ae = document.activeElement;
    if (ae && ae !== document.body && ae.isConnected) return;
    var row = (k.row && document.getElementById(k.row)) || (k.next && document.getElementById(k.next));
    var el = null;
    if (row && row.id === k.row) {
      if (k.menu) el = row.querySelector("details.menu > summary");
      else if (k.role) el = row.querySelector("[data-edit-role]") || row.querySelector(".role-cell select, select.role-select");
      else if (k.action) el = row.querySelector('[data-action="' + k.action + '"]');
    }
    if (!el && k.id) el = document.getElementById(k.id);
    if (!el && row) el = row.querySelector("details.menu > summary, button, a, select");
    if (!el) {
      el = target.isConnected ? target : document.getElementById("main");
      if (el && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    }
    if (el) el.focus();
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    keep = focusKey(document.activeElement, e.detail.target);
  });
  // A refusal shown in a row goes away with the next change: the answer
  // shows it again if it still holds.
  document.addEventListener("htmx:beforeRequest", function () {
    document.querySelectorAll(".row-error").forEach(function (p) { p.remove(); });
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
  document.addEventListener("htmx:afterSettle", function (e) {
    // A form asking for a value to copy (a fresh invite link) hands focus
    // to the answer's Copy button, one Enter away.
    var from = (e.detail.requestConfig && e.detail.requestConfig.elt) || e.detail.elt;
    var fresh = from && from.closest && from.closest("[data-focus-copy]") && document.querySelector("#flash [data-copy]");
    if (fresh) {
      keep = null;
      fresh.focus();
    }
    if (keep) {
      var k = keep;
      keep = null;
      restoreFocus(k, e.detail.target);
    }
  });
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
