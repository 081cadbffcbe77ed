/* The "Open in Zendesk" bookmarklet is for dragging to the bookmarks bar; a click on it here does
   nothing (the Content-Security-Policy would refuse its javascript: address anyway). */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.bookmarklet") : null;
  if (link) event.preventDefault();
});
