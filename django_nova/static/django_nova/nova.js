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
