/* Visit photos (issue 16): make the picked photos smaller on the phone before they are sent.
 *
 * A form with `data-photos` holds an <input type="file" data-photo-input>. Before the form is sent,
 * each picked image is drawn on a canvas at most MAX_SIDE px on its long side and encoded as JPEG
 * (QUALITY); the input's files are replaced with the results (DataTransfer). The browser applies
 * the EXIF orientation when it decodes the picture, and the canvas output has no EXIF at all, so
 * the GPS position never leaves the phone. When the centre keeps locations (`data-keep-location`,
 * PHOTO_KEEP_LOCATION) the originals are sent; the server scales them down itself.
 *
 * Anything the browser cannot do (no DataTransfer, no canvas, an image it cannot decode) leaves
 * that file as it was: the form is a normal POST form and works without this script.
 *
 * window.servicedeskPhotos.prepare(form) -> Promise: resolves when the files are ready to read
 * (at once when they already are). The offline queue awaits it before reading the form data; the
 * submit handler below calls it too and submits again once it has resolved, so a submit listener
 * registered after this script sees the form only with the photos ready.
 */
(function () {
  "use strict";

  var MAX_SIDE = 1600;
  var QUALITY = 0.85;
  var pending = new WeakMap();

  function canReplaceFiles() {
    try {
      return typeof DataTransfer === "function" && !!new DataTransfer().items && !!HTMLCanvasElement.prototype.toBlob;
    } catch (e) {
      return false;
    }
  }

  function decode(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve({ img: img, url: url }); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function jpegName(name) {
    var stem = (name || "photo").replace(/\.[^.]*$/, "") || "photo";
    return stem + ".jpg";
  }

  /* The file made smaller, or the file itself when it is small already or cannot be redrawn. */
  function resize(file) {
    if (!file || !/^image\//.test(file.type || "image/")) return Promise.resolve(file);
    return decode(file).then(function (decoded) {
      var img = decoded.img;
      var width = img.naturalWidth, height = img.naturalHeight;
      var scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      if (!width || !height) { URL.revokeObjectURL(decoded.url); return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(decoded.url);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          // Keep the original when the re-encoded picture is not smaller (a small, well-compressed photo).
          if (!blob || (scale === 1 && blob.size >= file.size)) return resolve(file);
          resolve(new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified || Date.now() }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function status(form, text) {
    var box = form.querySelector("[data-photo-status]");
    if (box) box.textContent = text || "";
  }

  function prepare(form) {
    if (!form || form.dataset.photosReady === "1") return Promise.resolve(form);
    if (pending.has(form)) return pending.get(form);
    var input = form.querySelector("input[type=file][data-photo-input]");
    var done = function () { form.dataset.photosReady = "1"; pending.delete(form); status(form, ""); return form; };
    if (!input || !input.files || !input.files.length || form.hasAttribute("data-keep-location") || !canReplaceFiles()) {
      return Promise.resolve(done());
    }
    status(form, form.dataset.preparingText || "…");
    var files = Array.prototype.slice.call(input.files);
    var promise = Promise.all(files.map(resize)).then(function (results) {
      try {
        var transfer = new DataTransfer();
        results.forEach(function (file) { transfer.items.add(file); });
        input.files = transfer.files;
      } catch (e) { /* the originals stay */ }
      return done();
    }, function () { return done(); });
    pending.set(form, promise);
    return promise;
  }

  // A new pick needs preparing again.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-photo-input]") && input.form) {
      delete input.form.dataset.photosReady;
    }
  }, true);

  // Capture phase on the document: runs before the form's own submit listeners.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-photos]") || form.dataset.photosReady === "1") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter || null;
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    prepare(form).then(function () {
      if (button) button.disabled = false;
      if (typeof form.requestSubmit === "function") form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      else form.submit();
    });
  }, true);

  window.servicedeskPhotos = { prepare: prepare, resize: resize, MAX_SIDE: MAX_SIDE, QUALITY: QUALITY };
})();
