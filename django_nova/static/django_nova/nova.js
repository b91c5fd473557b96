// django-nova's small behaviours.  No HTML is ever built from data here:
// the server renders (and escapes) everything; this only clicks and navigates.
(function () {
  "use strict";

  // Header project/region pickers submit on change.
  document.querySelectorAll("form[data-nova-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Toggles that are links ("Show terminated").
  document.querySelectorAll("[data-nova-href]").forEach(function (el) {
    el.addEventListener("change", function () { window.location.search = el.dataset.novaHref; });
  });

  // A form whose answer is a file download (a new private key): once the
  // download has started, go on to the list, where the message waits.
  document.querySelectorAll("form[data-nova-download-then]").forEach(function (form) {
    form.addEventListener("submit", function () {
      window.setTimeout(function () { window.location.assign(form.dataset.novaDownloadThen); }, 1500);
    });
  });

  // Forms that act once (they carry a one-time token): once sent, their buttons
  // wait, so a second click does not send them again.  Disabled after the
  // browser has read the form, so the clicked button's own value still goes;
  // enabled again when the page comes back from the browser's history.
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("input[name=nova_submission]") || form.dataset.novaUpload !== undefined) { return; }
    form.addEventListener("submit", function () {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form button[type=submit][disabled]").forEach(function (b) {
      if (b.form && b.form.querySelector("input[name=nova_submission]")) { b.disabled = false; }
    });
  });

  // htmx: send Django's CSRF token with any non-GET request it makes.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();

// The login form's domain field matters only for OpenStack clouds.
(function () {
  "use strict";
  var cloud = document.getElementById("id_cloud");
  var domain = document.getElementById("domain-group");
  if (!cloud || !domain) { return; }
  var openstack = (cloud.dataset.novaOpenstack || "").split(" ");
  function toggle() { domain.hidden = openstack.indexOf(cloud.value) < 0; }
  cloud.addEventListener("change", toggle);
  toggle();
})();

// "Select all" boxes tick every row box that belongs to the same bulk form.
(function () {
  "use strict";
  document.querySelectorAll("[data-nova-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var form = all.dataset.novaSelectAll;
      document.querySelectorAll('input[type=checkbox][form="' + form + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
})();

// Image upload with a progress bar.  The server answers JSON: where to go, or
// field errors, which are shown with textContent (never as HTML).
(function () {
  "use strict";
  var form = document.querySelector("form[data-nova-upload]");
  if (!form || !window.FormData) { return; }
  var box = form.querySelector("[data-nova-upload-progress]");
  var bar = box.querySelector(".progress-bar");
  var status = form.querySelector("[data-nova-upload-status]");
  var failure = form.querySelector("[data-nova-upload-error]");
  var button = form.querySelector("button[type=submit]");
  // The words come translated from the page (data-nova-text-* on the form); {n} is a number (or a percentage).
  function say(name, number) {
    return (form.dataset["novaText" + name] || "").replace("{n}", String(number));
  }

  function showErrors(errors) {
    form.querySelectorAll(".nova-js-error").forEach(function (el) { el.remove(); });
    var general = [];
    Object.keys(errors).forEach(function (field) {
      var input = form.querySelector('[name="' + field + '"]');
      if (!input) { general = general.concat(errors[field]); return; }
      input.classList.add("is-invalid");
      errors[field].forEach(function (message) {
        var note = document.createElement("div");
        note.className = "invalid-feedback d-block nova-js-error";
        note.textContent = message;
        input.insertAdjacentElement("afterend", note);
      });
    });
    failure.textContent = general.join(" ");
    failure.classList.toggle("d-none", general.length === 0);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) { return; }
      var percent = Math.round(100 * e.loaded / e.total);
      bar.style.width = percent + "%";
      status.textContent = percent < 100 ? say("Uploading", percent + "%") : say("Handing");
    });
    xhr.addEventListener("load", function () {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = {}; }
      if (answer.redirect) { window.location.assign(answer.redirect); return; }
      box.classList.add("d-none");
      button.disabled = false;
      showErrors(answer.errors || {"__all__": [say("Failed", xhr.status)]});
    });
    xhr.addEventListener("error", function () {
      box.classList.add("d-none");
      button.disabled = false;
      showErrors({"__all__": [say("Interrupted")]});
    });
    box.classList.remove("d-none");
    button.disabled = true;
    xhr.send(new FormData(form));
  });
})();

// A list's row menus: the page holds one copy of the menu (a <template> the server
// rendered, with "__ID__" where the row's id goes); a row's menu is filled from it as
// it opens, keeping only the items the row offers (its data-nova-offers).  Only
// attributes are set, from the row's id: no HTML is built here.
(function () {
  "use strict";
  document.addEventListener("show.bs.dropdown", function (event) {
    var toggle = event.target;
    var source = toggle.dataset && document.getElementById(toggle.dataset.novaMenu || "");
    var menu = toggle.nextElementSibling;
    if (!source || !menu || menu.dataset.novaFor === toggle.dataset.novaOffers) { return; }
    var offers = toggle.dataset.novaOffers.split(" ");
    var id = encodeURIComponent(toggle.dataset.novaId);
    var items = source.content.cloneNode(true);
    items.querySelectorAll("[data-nova-if]").forEach(function (item) {
      if (offers.indexOf(item.dataset.novaIf) < 0) { item.remove(); }
    });
    items.querySelectorAll("[href], form[action]").forEach(function (el) {
      var name = el.hasAttribute("href") ? "href" : "action";
      el.setAttribute(name, el.getAttribute(name).split("__ID__").join(id));
    });
    menu.replaceChildren(items);
    menu.dataset.novaFor = toggle.dataset.novaOffers;
  });
})();
