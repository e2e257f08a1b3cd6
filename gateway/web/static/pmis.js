// PMIS pages' behaviour, with no inline script (the Content-Security-Policy allows none):
// confirmations before irreversible actions, printing, "select all", removing an unsaved
// query row, the cards' tabs and the organization tree's opened state.
(function () {
  "use strict";

  // Confirm before 删除/撤销/上报/死亡/出党/停止党籍: [data-confirm] on a form or on its submit
  // button says what will happen. A form with data-confirm-from="field" takes the message from
  // the chosen option's <optgroup data-confirm> (e.g. the kind of leaving). Runs in the capture
  // phase so a cancelled submit never reaches htmx's handler on the form.
  function confirmMessage(form, submitter) {
    if (submitter && submitter.dataset.confirm) return submitter.dataset.confirm;
    const from = form.dataset.confirmFrom && form.elements[form.dataset.confirmFrom];
    if (from && from.selectedOptions && from.selectedOptions[0]) {
      const group = from.selectedOptions[0].closest("optgroup");
      if (group && group.dataset.confirm) return group.dataset.confirm;
    }
    return form.dataset.confirm || "";
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const message = confirmMessage(form, event.submitter);
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) { window.print(); return; }
    const remove = target.closest("[data-remove]");
    if (remove) { const gone = remove.closest(remove.dataset.remove); if (gone) gone.remove(); }
  });

  // "全部添加": one checkbox ticks every checkbox of the name it names.
  document.addEventListener("change", (event) => {
    const all = event.target;
    if (!(all instanceof HTMLInputElement) || !all.dataset.checkAll) return;
    document.querySelectorAll(`input[name="${all.dataset.checkAll}"]`).forEach((box) => { box.checked = all.checked; });
  });

  // Tabs: a [data-tabs] nav of links to sections. Without script every section shows and the
  // links jump to them; with script one shows at a time. The tab opened is the one in the URL's
  // hash, else one holding an open form or an error, else the one used last on this page.
  function panelsOf(nav) {
    return [...nav.querySelectorAll("a[href^='#']")].map((link) => [link, document.getElementById(link.hash.slice(1))])
      .filter(([, panel]) => panel);
  }

  function showTab(nav, id, remember) {
    for (const [link, panel] of panelsOf(nav)) {
      const on = panel.id === id;
      panel.hidden = !on;
      link.setAttribute("aria-selected", on ? "true" : "false");
      link.classList.toggle("active", on);
    }
    // Parts of a panel that live elsewhere in the page (e.g. outside an htmx-swapped body).
    document.querySelectorAll("[data-tab-of]").forEach((part) => {
      if (panelsOf(nav).some(([, panel]) => panel.id === part.dataset.tabOf)) part.hidden = part.dataset.tabOf !== id;
    });
    if (remember) sessionStorage.setItem("pmis.tab." + location.pathname + "." + nav.id, id);
  }

  function setUpTabs(root) {
    root.querySelectorAll("[data-tabs]").forEach((nav) => {
      const pairs = panelsOf(nav);
      if (!pairs.length) return;
      nav.setAttribute("role", "tablist");
      pairs.forEach(([link, panel]) => {
        link.setAttribute("role", "tab");
        link.setAttribute("aria-controls", panel.id);
        panel.setAttribute("role", "tabpanel");
        panel.classList.add("tab-panel");
      });
      const ids = pairs.map(([, panel]) => panel.id);
      const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
      const hashed = target && ids.find((id) => document.getElementById(id).contains(target));
      const busy = pairs.find(([, panel]) => panel.querySelector("details[open] form, .field-error"));
      const last = sessionStorage.getItem("pmis.tab." + location.pathname + "." + nav.id);
      showTab(nav, hashed || (busy && busy[1].id) || (ids.includes(last) ? last : ids[0]), false);
      if (nav.dataset.ready) return;
      nav.dataset.ready = "1";
      nav.addEventListener("click", (event) => {
        const link = event.target.closest("a[href^='#']");
        if (!link || !document.getElementById(link.hash.slice(1))) return;
        event.preventDefault();
        showTab(nav, link.hash.slice(1), true);
        history.replaceState(null, "", link.hash);
      });
    });
  }

  // The organization tree: opens along the path to the current organization, marks it, and
  // keeps the nodes the user opened (localStorage) across pages. Opening a <details> makes htmx
  // fetch its children (hx-trigger="toggle once"); each arriving level is handled in turn.
  const OPEN_KEY = "pmis.tree.open";
  const opened = () => new Set(JSON.parse(localStorage.getItem(OPEN_KEY) || "[]"));

  function settleTree(root) {
    const sidebar = document.querySelector("[data-tree-path]");
    if (!sidebar) return;
    const path = (sidebar.dataset.treePath || "").split(",").filter(Boolean);
    const current = sidebar.dataset.treeCurrent;
    const keep = opened();
    root.querySelectorAll(".tree [data-org-id]").forEach((node) => {
      const id = node.dataset.orgId;
      if (id === current) {
        node.classList.add("current");
        const link = node.querySelector(":scope > a, :scope > summary > a, :scope > .leaf > a");
        if (link) link.setAttribute("aria-current", "page");
      }
      const details = node.querySelector(":scope > details");
      if (details && !details.open && (keep.has(id) || (path.includes(id) && id !== current))) {
        details.dataset.auto = "1";  // opened for the user, not by them: not remembered
        details.open = true;
      }
    });
  }

  document.addEventListener("toggle", (event) => {
    const details = event.target;
    const node = details instanceof HTMLDetailsElement && details.parentElement;
    if (!node || !node.dataset.orgId || !node.closest(".tree")) return;
    if (details.dataset.auto) { delete details.dataset.auto; return; }
    const keep = opened();
    if (details.open) keep.add(node.dataset.orgId); else keep.delete(node.dataset.orgId);
    localStorage.setItem(OPEN_KEY, JSON.stringify([...keep].slice(-200)));
  }, true);

  // On a phone the tree starts folded above the page (unless it was left open there).
  function foldTreeOnPhone() {
    const toggle = document.querySelector(".tree-toggle");
    if (!toggle || !window.matchMedia("(max-width: 720px)").matches) return;
    toggle.open = localStorage.getItem("pmis.tree.shown") === "1";
    toggle.addEventListener("toggle", () => localStorage.setItem("pmis.tree.shown", toggle.open ? "1" : "0"));
  }

  function ready() {
    foldTreeOnPhone();
    setUpTabs(document);
    settleTree(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
  // htmx swaps: a tree level arrived, or a card was replaced (keep its tab).
  document.addEventListener("htmx:afterSettle", (event) => { setUpTabs(document); settleTree(event.target); });
})();
