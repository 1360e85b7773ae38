// Run at the top of <body>, before anything is drawn: tells GOV.UK Frontend's styles that scripts run
// (and whether its modules do), so that components show their scripted form without a flash. A file,
// not an inline script, so that the content security policy allows no inline script at all.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
