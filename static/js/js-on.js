// Loaded in <head>: marks the page as scripted before it is drawn, so styles meant only for
// pages without JavaScript (the navigation menu shown open, for instance) never flash.
document.documentElement.classList.replace("no-js", "js");
